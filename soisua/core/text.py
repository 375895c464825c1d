"""Vietnamese text: diacritic-insensitive search keys and collation keys for names.

Vietnamese alphabetical order is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, with tones
(none, huyền, hỏi, ngã, sắc, nặng) deciding only between otherwise equal words. Names are listed by
given name (the last word), then family name (the first), then the middle names.
"""

import re
import unicodedata

# Letters after removing tone marks but keeping the vowel shapes (ă â ê ô ơ ư) and đ.
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_RANK = {letter: f"{index + 10:02d}" for index, letter in enumerate(_ALPHABET)}
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}  # huyền hỏi ngã sắc nặng
_SHAPES = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter, not the tone


def without_marks(text: str) -> str:
    """The text without any diacritics, đ as d, case kept: 'Nguyễn Văn Đức' -> 'Nguyen Van Duc'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text: str) -> str:
    """Lower-case text without any diacritics, đ as d: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    return " ".join(without_marks(text.lower()).split())


def _letters_and_tone(word: str) -> tuple[str, str]:
    letters, tone = [], "0"
    for char in unicodedata.normalize("NFD", word.lower()):
        if char in _TONES:
            tone = _TONES[char]
        elif char in _SHAPES and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif not unicodedata.combining(char):
            letters.append(char)
    return "".join(letters), tone


def word_key(word: str) -> tuple[str, str]:
    """Digits only, so every database collation orders the keys the same way."""
    letters, tone = _letters_and_tone(word)
    primary = "".join(_RANK.get(letter, f"{min(ord(letter), 99):02d}" if letter.isdigit() else "99")
                      for letter in letters)
    return primary, tone


def name_sort_key(full_name: str) -> str:
    """Collation key for a Vietnamese full name: given name, family name, middle names; tones last."""
    words = full_name.split()
    if not words:
        return ""
    ordered = [words[-1], words[0], *words[1:-1]] if len(words) > 1 else words
    keys = [word_key(word) for word in ordered]
    primary = "00".join(key[0] for key in keys)
    tones = "".join(key[1] for key in keys)
    return f"{primary}000{tones}"[:250]


def text_sort_key(text: str) -> str:
    """Collation key for titles such as unit names: words in order, tones last."""
    keys = [word_key(word) for word in text.split()]
    return ("00".join(key[0] for key in keys) + "000" + "".join(key[1] for key in keys))[:250]


def file_name(*parts: object) -> str:
    """A download's name that says what and whose, in ASCII so that every program and mail client keeps it:
    file_name("Bản kiểm điểm", 2026, "Nguyễn Văn Đức") == "Ban-kiem-diem-2026-Nguyen-Van-Duc"."""
    text = " ".join(str(part) for part in parts if part not in (None, ""))
    ascii_text = without_marks(text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[A-Za-z0-9]+", ascii_text))[:120] or "tai-lieu"
