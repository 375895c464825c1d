"""Is this text Vietnamese? English left on a page is found by a list of common English words (not by missing
diacritics: Vietnamese names and codes are often plain ASCII), and the product never says "bạn" (it says "đồng
chí").

`visible_text(html)` reads what a person sees or hears on a page: its text, and the placeholder, title, aria-label,
alt and confirmation attributes and the labels of input buttons. `english_in(text)` returns the English words in
a piece of text, once proper nouns and codes (ALLOWED), addresses and the cast's usernames are taken out.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Proper nouns and codes that stay as they are in Vietnamese text. Keep this short: a word belongs here only when
# the Vietnamese interface really uses it untranslated.
ALLOWED = frozenset({"soisua", "PDF", "Excel", "Word", "QR", "API", "e-mail", "email", "Email", "CSV", "XLSX",
                     "DOCX", "JSON", "OpenAPI", "English"})  # "English": the language switch names each language
# in itself

# Common English words, as they show on a form or a page. Words that are also Vietnamese syllables written
# without marks (an, ban, can, con, do, in, long, me, nam, tin, to, van…) are left out on purpose.
_ENGLISH_WORDS = """
about above access account accounts action actions active add added address after again all allowed already also
and another answer any approve approved are as ask at attach attendance available back be because been before
below between both but button by cancel cancelled cannot change changed changes character characters check choice
choose chosen clear click close closed code comment comments committee complete confirm contains content continue
copy correct could create created current cycle cycles dashboard data date day days decide decision delete deleted
deny denied description detail details did does done download draft due each edit either empty end ended ensure
enter error errors every exist exists expired export failed false feedback field fields file files filter find
first for forbidden form forms found from full give go has have help here hide history home how however if import
inbox instead into invalid is it item items its just keep kind last later least leave less level list log login
logout made make mark meeting meetings member members message messages might minimum maximum minutes missing
month more most must my name need new next no none not note nothing notification notifications now number of off
ok on one only open option optional options or order other our out over overdue page pages password period please
post previous print profile progress read ready reason received remove removed reply report reports request
required reset result results return review reviews role rule rules save saved search secretary see select
selected send sent set settings should show showing sign since some something sorry status step steps still
submit submitted success successfully such summary task tasks than that the their them then there these they this
those through time title today token tokens too total try type unit units unknown until up update updated upload
use used user username users valid value values view was we were what when where which while who whole why will
with without would year yes yet you your
"""
ENGLISH = frozenset(_ENGLISH_WORDS.split())

# The product addresses its users as "đồng chí".
FAMILIAR_YOU = "bạn"

_URL = re.compile(r"https?://[^\s\"'<>]*|(?<!\w)/[^\s\"'<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CODE = re.compile(r"`[^`]*`|\b\w+_\w+\b")  # code in backquotes, codes of columns and fields (full_name)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@functools.cache
def _names_pattern(names: frozenset[str]) -> re.Pattern:
    return re.compile(r"(?<![\w.@])(?:" + "|".join(map(re.escape, sorted(names))) + r")(?![\w@])")


def english_in(text: str, *, names: frozenset[str] = frozenset()) -> list[str]:
    """The English words in `text` (and "bạn"), in order, each once. `names`: words of the data to ignore
    (usernames), matched exactly."""
    text = unicodedata.normalize("NFC", _URL.sub(" ", _CODE.sub(" ", text)))
    if names:
        text = _names_pattern(names).sub(" ", text)
    found = []
    for word in _WORD.findall(text):
        if word in ALLOWED:
            continue
        english = word.isascii() and word.lower() in ENGLISH
        if (english or word.lower() == FAMILIAR_YOU) and word not in found:
            found.append(word)
    return found


# --- what a page shows ---------------------------------------------------------------------------------------

SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "aria-description", "alt", "hx-confirm", "data-confirm")
BUTTON_INPUTS = ("submit", "button", "reset")
_SKIPPED = {"script", "style", "code"}  # code: names of fields, parameters and paths, not prose


@dataclass
class Form:
    method: str
    action: str
    # (name, type, value, maxlength) of each control; type "select", "select-multiple", "textarea" or the input's.
    controls: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    # (name, value) of its first named submit button.
    button: tuple[str, str] | None = None
    options: dict[str, list[str]] = field(default_factory=dict)


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.forms: list[Form] = []
        self._skip = 0
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _SKIPPED:
            self._skip += 1
        for name in SHOWN_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        kind = (attributes.get("type") or "text").lower()
        if tag == "input" and kind in BUTTON_INPUTS and attributes.get("value"):
            self.texts.append(attributes["value"])
        if tag == "form":
            self._form = Form((attributes.get("method") or "get").lower(), attributes.get("action") or "")
            self.forms.append(self._form)
        elif self._form is not None and attributes.get("name") and tag in ("input", "select", "textarea", "button"):
            self._control(tag, kind, attributes)

    def _control(self, tag, kind, attributes):
        name = attributes["name"]
        maxlength = int(attributes["maxlength"]) if (attributes.get("maxlength") or "").isdigit() else None
        if tag == "button" or (tag == "input" and kind in BUTTON_INPUTS):
            if kind in ("submit",) and self._form.button is None:
                self._form.button = (name, attributes.get("value") or "")
            return
        if tag == "select":
            self._select = name
            self._form.controls.append((name, "select-multiple" if "multiple" in attributes else "select", "",
                                        None))
        elif tag == "textarea":
            self._form.controls.append((name, "textarea", "", maxlength))
        else:
            self._form.controls.append((name, kind, attributes.get("value") or "", maxlength))

    def handle_endtag(self, tag):
        if tag in _SKIPPED and self._skip:
            self._skip -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def read_page(html: str) -> tuple[list[str], list[Form]]:
    """The pieces of text a page shows, and its forms."""
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser.texts, parser.forms


def bad_values(form: Form, *, empty: bool) -> dict[str, str]:
    """What a careless user sends with `form`: nothing at all (`empty`), or a value no field accepts (text where a
    date, a number, an address or a choice is wanted; one character too many where a length is set). Hidden
    fields keep their values; files are left out."""
    data: dict[str, str] = {}
    for name, kind, value, maxlength in form.controls:
        if kind == "hidden":
            data[name] = value
        elif kind == "file" or empty:
            continue
        else:  # words with a space: not a date, a number, an address, a choice or a code; too long if limited
            length = (maxlength or 2) + 1
            data[name] = ("x " * length)[:length - 1] + "x"
    if form.button is not None:
        data[form.button[0]] = form.button[1]
    return data
