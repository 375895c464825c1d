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
