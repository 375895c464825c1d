import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from soisua.core import similarity
from soisua.core.similarity import (
    SIGNATURE_BYTES,
    SIGNATURE_SIZE,
    duplicate_pairs,
    near_duplicates,
    signature,
    signatures,
    syllables,
)

ROOT = Path(__file__).resolve().parents[2]
SELF_REVIEW = (
    "Về tư tưởng chính trị: bản thân luôn trung thành với lý tưởng cách mạng của Đảng, chấp hành nghiêm chủ "
    "trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước. Về phẩm chất đạo đức, lối sống: giữ gìn lối "
    "sống giản dị, khiêm tốn, hoà nhã với đồng nghiệp và nhân dân nơi cư trú; không có biểu hiện suy thoái. Về tác "
    "phong, lề lối làm việc: làm việc khoa học, đúng giờ, thẳng thắn trong tự phê bình và phê bình. Kết quả thực "
    "hiện nhiệm vụ được giao: hoàn thành tốt công tác chuyên môn ở trạm y tế xã, tham gia đầy đủ sinh hoạt chi bộ. "
    "Hạn chế: đôi khi chưa mạnh dạn góp ý cho đồng chí khác; biện pháp khắc phục là tiếp tục học tập, rèn luyện."
)
HARVEST_NEWS = (
    "Vụ đông xuân năm nay, bà con nông dân ở các huyện ven biển đã gieo cấy hơn mười nghìn héc-ta lúa, chủ yếu là "
    "giống ngắn ngày chịu mặn. Nhờ thời tiết thuận lợi và nguồn nước tưới được điều tiết kịp thời, năng suất bình "
    "quân ước đạt sáu tấn rưỡi mỗi héc-ta, cao hơn vụ trước gần nửa tấn. Giá lúa tươi tại ruộng dao động quanh "
    "bảy nghìn đồng một ki-lô-gam, thương lái thu mua ngay sau khi gặt bằng máy. Ngành nông nghiệp khuyến cáo "
    "người dân vệ sinh đồng ruộng, phơi ải đất và chuẩn bị giống cho vụ hè thu sắp tới."
)
# Made-up syllables with Zipf frequencies: texts share common words as real reviews do, and are otherwise unrelated.
ONSETS = ["b", "c", "ch", "d", "đ", "g", "h", "kh", "l", "m", "n", "ng", "nh", "ph", "qu", "s", "t", "th", "tr", "v"]
RHYMES = ["a", "ai", "an", "ang", "anh", "ao", "at", "ay", "em", "en", "ênh", "iêt", "inh", "oa", "oan", "ôi", "ông",
          "ơn", "uân", "ung", "ưa", "ương", "ươc"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
VOCABULARY = [unicodedata.normalize("NFC", onset + rhyme[0] + tone + rhyme[1:])
              for onset in ONSETS for rhyme in RHYMES for tone in TONES]
ZIPF = np.cumsum(1 / np.arange(1, len(VOCABULARY) + 1)) / np.sum(1 / np.arange(1, len(VOCABULARY) + 1))


def _review(rng: np.random.Generator, words: int = 600) -> list[str]:
    return [VOCABULARY[index] for index in np.searchsorted(ZIPF, rng.random(words))]


def _rewrite(words: list[str], rng: np.random.Generator, *, runs: int, length: int) -> list[str]:
    """Replace `runs` phrases of `length` words, as a person rewording a copy does."""
    copy = list(words)
    for run in range(runs):
        start = run * len(words) // runs + int(rng.integers(len(words) // runs - length))
        copy[start:start + length] = _review(rng, length)
    return copy


def test_syllables_old_and_new_tone_placement_are_equal():
    old, new = "hoà thuận, thuý, hoè, khoẻ", "hòa thuận, thúy, hòe, khỏe"

    assert syllables(old) == syllables(new) == ["hoa", "thuan", "thuy", "hoe", "khoe"]


def test_syllables_composed_and_decomposed_unicode_are_equal():
    text = "Đảng uỷ xã Hoà Bình"

    assert syllables(unicodedata.normalize("NFD", text)) == syllables(unicodedata.normalize("NFC", text))


def test_syllables_case_punctuation_and_spaces_are_ignored():
    messy = "  LUÔN trung thành — với “lý tưởng”!!!\n\tcách-mạng…của ĐẢNG.  "

    assert syllables(messy) == ["luon", "trung", "thanh", "voi", "ly", "tuong", "cach", "mang", "cua", "dang"]


def test_syllables_text_without_diacritics_is_equal():
    assert syllables("Chấp hành nghiêm Điều lệ Đảng") == syllables("chap hanh nghiem dieu le dang")


def test_syllables_digit_separators_keep_one_number():
    assert syllables("1.000.000 đồng, 1,000,000 đồng, 1000000 đồng; năm 2024.") == [
        "1000000", "dong", "1000000", "dong", "1000000", "dong", "nam", "2024"]


def test_syllables_zero_width_characters_and_lookalike_letters_are_undone():
    disguised = "trung th\u200bành với lý tư\u00adởng c\u0430ch mạng"  # zero-width space, soft hyphen, Cyrillic а

    assert syllables(disguised) == syllables("trung thành với lý tưởng cách mạng")


def test_signature_is_syllables_signed():
    assert signature(" ".join(syllables(SELF_REVIEW))) == signature(SELF_REVIEW)


def test_signature_fixed_length_for_any_text():
    texts = ["", "   ", "…!!!", "Đồng ý.", SELF_REVIEW, SELF_REVIEW * 20]

    lengths = {len(signature(text)) for text in texts}

    assert lengths == {SIGNATURE_BYTES}


def test_similarity_identical_texts_is_one():
    assert similarity.similarity(signature(SELF_REVIEW), signature(SELF_REVIEW)) == 1.0


def test_similarity_tone_placement_and_case_variant_is_one():
    variant = SELF_REVIEW.replace("hoà", "hòa").upper()

    assert similarity.similarity(signature(SELF_REVIEW), signature(variant)) == 1.0


def test_similarity_unrelated_vietnamese_texts_is_low():
    assert similarity.similarity(signature(SELF_REVIEW), signature(HARVEST_NEWS)) < 0.3


def test_similarity_unrelated_generated_reviews_is_low():
    rng = np.random.default_rng(1)
    first, second = " ".join(_review(rng)), " ".join(_review(rng))

    assert similarity.similarity(signature(first), signature(second)) < 0.3


def test_similarity_ten_percent_of_words_rewritten_stays_high():
    # Ten phrases of six words: 10 % of the words. The same 10 % changed one word here and one there would spoil
    # up to three shingles each and leave a true Jaccard of about 0.55-0.65: the check is for copies, not for
    # texts reworded throughout.
    rng = np.random.default_rng(2)
    original = _review(rng)
    copy = _rewrite(original, rng, runs=10, length=6)

    estimate = similarity.similarity(signature(" ".join(original)), signature(" ".join(copy)))

    assert sum(a != b for a, b in zip(original, copy, strict=True)) >= 50
    assert estimate >= 0.7


def test_similarity_empty_texts_match_nothing():
    empty = signature("")

    assert similarity.similarity(empty, empty) == 0.0
    assert similarity.similarity(empty, signature(SELF_REVIEW)) == 0.0


def test_similarity_short_texts_are_one_shingle():
    assert similarity.similarity(signature("Đồng ý."), signature("đồng ý")) == 1.0
    assert similarity.similarity(signature("Đồng ý."), signature("Không đồng ý.")) == 0.0


def test_similarity_wrong_length_raises():
    with pytest.raises(ValueError, match="bytes"):
        similarity.similarity(signature(SELF_REVIEW), b"\x00" * 512)


def test_near_duplicates_rewritten_copy_found_most_similar_first():
    rng = np.random.default_rng(3)
    original = _review(rng)
    copy = " ".join(_rewrite(original, rng, runs=10, length=6))
    candidates = [("unrelated", signature(" ".join(_review(rng)))), ("copy", signature(copy)),
                  ("news", signature(HARVEST_NEWS)), ("same", signature(" ".join(original).upper()))]

    found = near_duplicates(iter(candidates), signature(" ".join(original)), threshold=0.6)

    assert [key for key, _ in found] == ["same", "copy"]
    assert found[0][1] == 1.0 > found[1][1] >= 0.7


def test_near_duplicates_no_candidates_is_empty():
    assert near_duplicates([], signature(SELF_REVIEW)) == []


def test_signatures_same_as_one_at_a_time_across_batches():
    rng = np.random.default_rng(4)
    texts = [" ".join(_review(rng, 20)) for _ in range(similarity._BATCH + 5)]
    texts[similarity._BATCH - 1] = ""  # an empty text at the end of a batch must not shift its neighbours

    matrix = signatures(text for text in texts)

    assert matrix.shape == (len(texts), SIGNATURE_SIZE)
    for index in (0, similarity._BATCH - 2, similarity._BATCH - 1, similarity._BATCH, len(texts) - 1):
        assert matrix[index].tobytes() == signature(texts[index])


def test_signatures_one_string_instead_of_texts_raises():
    with pytest.raises(TypeError, match="iterable of texts"):
        signatures(SELF_REVIEW)


def test_signatures_no_texts_is_empty_matrix():
    assert signatures([]).shape == (0, SIGNATURE_SIZE)


def test_signature_same_in_every_process_and_hash_seed():
    code = "import sys; from soisua.core.similarity import signature; print(signature(sys.argv[1]).hex())"
    environment = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}

    result = subprocess.run([sys.executable, "-c", code, SELF_REVIEW],  # noqa: S603 (our interpreter, our code)
                            capture_output=True, text=True, check=True, env=environment, cwd=ROOT)

    assert signature(SELF_REVIEW) == signature(SELF_REVIEW)
    assert bytes.fromhex(result.stdout.strip()) == signature(SELF_REVIEW)


def test_duplicate_pairs_finds_planted_pairs_and_nothing_else():
    rng = np.random.default_rng(5)
    words = [_review(rng) for _ in range(2000)]
    copies = rng.choice(2000, size=(20, 2), replace=False)
    for original, copy in copies:
        words[copy] = _rewrite(words[original], rng, runs=3, length=4)
    keys = [f"review-{index}" for index in range(2000)]

    found = duplicate_pairs(keys, signatures(" ".join(text) for text in words))

    planted = {frozenset((keys[original], keys[copy])) for original, copy in copies}
    assert {frozenset((first, second)) for first, second, _ in found} == planted
    assert all(score >= 0.8 for _, _, score in found)
    assert [score for _, _, score in found] == sorted((score for _, _, score in found), reverse=True)


def test_duplicate_pairs_group_of_identical_texts_gives_every_pair():
    texts = [SELF_REVIEW, HARVEST_NEWS, SELF_REVIEW.lower(), SELF_REVIEW.replace("hoà", "hòa")]

    found = duplicate_pairs(["a", "b", "c", "d"], signatures(texts))

    assert sorted((first, second) for first, second, _ in found) == [("a", "c"), ("a", "d"), ("c", "d")]


def test_duplicate_pairs_short_and_empty_texts_do_not_pair_up():
    texts = ["", "", "…", "Đồng ý.", "Không.", "Tốt."]

    assert duplicate_pairs(list(range(len(texts))), signatures(texts)) == []


def test_duplicate_pairs_banding_compares_pairs_at_threshold_with_99_percent():
    bands, rows = similarity._banding(0.8)

    assert bands * rows <= SIGNATURE_SIZE
    assert 1 - (1 - 0.8**rows) ** bands >= 0.99
