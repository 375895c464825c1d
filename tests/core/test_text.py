import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from soisua.core.text import fold, name_sort_key


def test_fold_removes_diacritics_and_d_stroke():
    assert fold("Nguyễn Văn ĐỨC") == "nguyen van duc"


def test_fold_collapses_spaces():
    assert fold("  Trần   Thị  ") == "tran thi"


def _sorted(names):
    return sorted(names, key=name_sort_key)


def test_name_sort_key_orders_by_given_name_then_family():
    names = ["Trần Văn Bình", "Nguyễn Thị An", "Lê Văn Bình", "Phạm Chi"]

    assert _sorted(names) == ["Nguyễn Thị An", "Lê Văn Bình", "Trần Văn Bình", "Phạm Chi"]


def test_name_sort_key_follows_vietnamese_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư: not the order of plain code points or of unaccented text
    names = ["X Ân", "X Ăn", "X An", "X Đức", "X Dung", "X Ơn", "X Ôn", "X On", "X Ưng", "X Ung"]

    assert _sorted(names) == ["X An", "X Ăn", "X Ân", "X Dung", "X Đức", "X On", "X Ôn", "X Ơn", "X Ung", "X Ưng"]


def test_name_sort_key_tones_only_break_ties():
    names = ["X Hà", "X Hạ", "X Ha", "X Hả", "X Hai"]

    assert _sorted(names) == ["X Ha", "X Hà", "X Hả", "X Hạ", "X Hai"]


def test_name_sort_key_shorter_given_name_first():
    assert _sorted(["X Anh", "X An"]) == ["X An", "X Anh"]


@given(st.lists(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạ ", min_size=1, max_size=20), max_size=8))
def test_name_sort_key_is_digits_only(names):
    for name in names:
        assert name_sort_key(name).isdigit() or name_sort_key(name) == ""


# The ordering laws, for any Vietnamese words ----------------------------------------------------------------------

LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONED = "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
words = st.text(alphabet=LETTERS + TONED, min_size=1, max_size=7)
names = st.lists(words, min_size=2, max_size=4).map(" ".join)
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"


def without_tones(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in TONE_MARKS))


def letter_ranks(word: str) -> list[int]:
    return [LETTERS.index(letter) for letter in without_tones(word)]


@given(names)
def test_the_key_ignores_case_spacing_and_unicode_form(name):
    key = name_sort_key(name)

    assert name_sort_key(name.upper()) == key
    assert name_sort_key(f"  {name.replace(' ', '   ')} ") == key
    assert name_sort_key(unicodedata.normalize("NFD", name)) == key


@given(names, names)
def test_names_order_by_given_name_then_family_name_then_middle_names_letters_before_tones(first, second):
    def expected(name):
        parts = name.split()
        ordered = [parts[-1], parts[0], *parts[1:-1]]
        return [letter_ranks(word) for word in ordered]

    if expected(first) != expected(second):
        assert (name_sort_key(first) < name_sort_key(second)) == (expected(first) < expected(second))


@given(names)
def test_tones_only_break_ties(name):
    toneless, key = name_sort_key(without_tones(name)), name_sort_key(name)
    tones = len(name.split())  # one digit per word, after the letters and a "000" separator

    assert toneless[:-tones] == key[:-tones]
    assert toneless <= key


@given(st.lists(names, min_size=3, max_size=3))
def test_the_order_is_total_and_transitive(three):
    first, second, third = sorted(three, key=name_sort_key)

    assert name_sort_key(first) <= name_sort_key(second) <= name_sort_key(third)
    assert (name_sort_key(first) == name_sort_key(second)) == (first.lower() == second.lower()
                                                                or unicodedata.normalize("NFC", first.lower())
                                                                == unicodedata.normalize("NFC", second.lower()))
