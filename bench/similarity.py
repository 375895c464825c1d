"""Near-duplicate check benchmark: signatures and all near-duplicate pairs of N synthetic self-reviews, against the
time to merely fold and split the same texts into syllables.

    .venv/bin/python bench/similarity.py [--reviews 100000] [--words 600] [--pairs 500] [--seed 1]

No database and no Django: only soisua.core.similarity (bench/run.sh migrates a database for it anyway).

The reviews are Vietnamese-like: words drawn with Zipf frequencies from a lexicon of common words of self-reviews
and a few thousand composed syllables, sentences with punctuation, and stock phrases that real reviews share
("Luôn trung thành với lý tưởng cách mạng của Đảng"); some are in decomposed Unicode or the old tone placement.
--pairs originals get a copy later in the batch with words replaced, inserted and deleted until the exact
Jaccard similarity of their shingle sets is near a random target between 0.80 and 0.95 (some copies also lose
their diacritics). Texts are generated in chunks (generation is not timed), so memory holds one chunk of text and the
signatures.

Measures: the floor (folding and splitting every text, the first step of signatures(), alone), signatures(),
duplicate_pairs() at 0.8; recall on the planted pairs, and reported pairs that were not planted.
Target: signatures + pairs of 100,000 reviews of 600 words in under 60 s, recall ≥ 95 %.
"""

import argparse
import itertools
import resource
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from soisua.core import similarity
from soisua.core.text import fold  # plain Python, no settings

TARGET_SECONDS = 60.0
TARGET_RECALL = 0.95
THRESHOLD = 0.8
CHUNK = 5000
# Words and phrases of real self-reviews, most frequent first; the generated lexicon follows them.
COMMON_WORDS = """của và các có được trong là cho những với không người đã này một để theo về đến từ khi đó nhưng còn
cũng rất đều việc tôi bản_thân đồng_chí chi_bộ đảng_viên nhiệm_vụ công_tác thực_hiện chấp_hành tốt luôn học_tập
tư_tưởng chính_trị đạo_đức lối_sống trách_nhiệm kỷ_luật phê_bình chuyên_môn năng_lực hạn_chế khắc_phục kết_quả
nghiêm_túc tích_cực thường_xuyên gương_mẫu đoàn_kết quần_chúng phong_trào nghị_quyết chủ_trương chính_sách
pháp_luật nhà_nước xã_hội kinh_tế văn_hóa gia_đình đồng_nghiệp lãnh_đạo quản_lý cán_bộ rèn_luyện nâng_cao
trình_độ phát_triển xây_dựng tổ_chức sinh_hoạt hoàn_thành năm địa_phương cơ_quan nhân_dân đơn_vị quy_định
nguyên_tắc dân_chủ tập_trung ý_thức tinh_thần phẩm_chất tác_phong lề_lối làm_việc chức_trách được_giao
thẳng_thắn trung_thực khiêm_tốn giản_dị cần_kiệm liêm_chính chí_công vô_tư hiệu_quả chất_lượng kịp_thời
đầy_đủ nghiêm đúng tham_gia vận_động tuyên_truyền thôn xã huyện tỉnh hội_nghị kế_hoạch báo_cáo kiểm_tra
giám_sát đánh_giá xếp_loại mức tự_nhận ưu_điểm khuyết_điểm nguyên_nhân biện_pháp tiếp_tục hơn nữa"""
STOCK = [
    "Luôn trung thành với lý tưởng cách mạng của Đảng",
    "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước",
    "Có lập trường tư tưởng chính trị vững vàng, không dao động trước những khó khăn, thử thách",
    "Giữ gìn phẩm chất đạo đức, lối sống lành mạnh, giản dị, khiêm tốn, gần gũi quần chúng",
    "Không có biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, tự diễn biến, tự chuyển hoá",
    "Thực hiện tốt nguyên tắc tập trung dân chủ, tự phê bình và phê bình trong sinh hoạt chi bộ",
    "Đoàn kết, thống nhất trong nội bộ, có tinh thần trách nhiệm cao với công việc được giao",
    "Tham gia đầy đủ các buổi sinh hoạt chi bộ và đóng đảng phí đầy đủ, đúng quy định",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh gắn với nhiệm vụ chuyên môn",
    "Gương mẫu chấp hành quy định về những điều đảng viên không được làm",
    "Có ý thức tổ chức kỷ luật, tinh thần tự học tập nâng cao trình độ chuyên môn, nghiệp vụ",
    "Thường xuyên giữ mối liên hệ với chi uỷ, đảng uỷ và nhân dân nơi cư trú",
    "Hạn chế: đôi khi chưa mạnh dạn trong đấu tranh tự phê bình và phê bình",
    "Nguyên nhân của hạn chế chủ yếu là do chủ quan, khối lượng công việc nhiều",
    "Biện pháp khắc phục: tiếp tục học tập, rèn luyện, nâng cao năng lực công tác",
    "Tích cực tham gia các phong trào thi đua, các cuộc vận động tại địa phương",
    "Kiên quyết đấu tranh phản bác các quan điểm sai trái, thù địch trên không gian mạng",
    "Vận động gia đình chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
    "Tự nhận mức xếp loại chất lượng đảng viên: hoàn thành tốt nhiệm vụ",
    "Về tư tưởng chính trị", "Về phẩm chất đạo đức, lối sống", "Về tác phong, lề lối làm việc",
    "Về ý thức tổ chức kỷ luật", "Kết quả thực hiện chức trách, nhiệm vụ được giao",
]
ONSETS = "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x"  # and none
RHYMES = """a ai ao au ay an ang anh at ac ach am ap e em en eng et ec eo i ia im in inh it ich iu iêm iên iêng iêt
iêu o oa oai oan oang oanh oat oac oc oe oi om on ong op ot ô ôi ôm ôn ông ôt ôc ơ ơi ơm ơn ơt u ua uân uât uê
uy uyên uyêt ui um un ung ut uc uôi uôm uôn uông uôt uôc ư ưa ưi ưng ưt ưc ươi ươm ươn ương ươt ươc ươu"""
ENDS = [".", ",", ";", ":"]
TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # ngang huyền sắc hỏi ngã nặng
# The old tone placement that some keyboards and templates still produce.
OLD_STYLE = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ",
             "ũy": "uỹ", "ụy": "uỵ", "òe": "oè", "óe": "oé"}


def build_lexicon(seed: int, size: int = 6000) -> tuple[list[str], np.ndarray]:
    """Common words first, then composed words of one or two syllables; Zipf frequencies by rank."""
    rng = np.random.default_rng(seed)
    vowels, onsets, rhymes = set("aăâeêioôơuưy"), [*ONSETS.split(), ""], RHYMES.split()
    syllables = set()
    while len(syllables) < 3000:
        onset, rhyme = onsets[rng.integers(len(onsets))], rhymes[rng.integers(len(rhymes))]
        if onset == "qu" and rhyme.startswith("u"):
            continue
        # The tone mark goes on the last vowel of a vowel cluster followed by a consonant, else on the first.
        vowel_at = [index for index, char in enumerate(rhyme) if char in vowels]
        at = vowel_at[-1] if len(vowel_at) > 1 and vowel_at[-1] < len(rhyme) - 1 else vowel_at[0]
        tone = TONES[rng.integers(len(TONES))]
        syllables.add(unicodedata.normalize("NFC", onset + rhyme[:at + 1] + tone + rhyme[at + 1:]))
    syllables = sorted(syllables)
    words = [word.replace("_", " ") for word in COMMON_WORDS.split()]
    seen = set(words)
    while len(words) < size:
        parts = rng.integers(len(syllables), size=1 + (rng.random() < 0.6))
        word = " ".join(syllables[part] for part in parts)
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = 1 / np.arange(1, size + 1) ** 1.05
    return words, np.cumsum(weights / weights.sum())


class Corpus:
    """The reviews in order, a chunk at a time. A planted pair's original comes before its copy, so the original
    is kept (not regenerated) until the copy is written."""

    def __init__(self, reviews: int, words: int, pairs: int, seed: int):
        self.words, self.seed = words, seed
        self.lexicon, self.cdf = build_lexicon(seed)
        # Every word with and without a capital, bare or followed by each ending, then the stock phrases.
        self.forms = [form[:1].upper() + form[1:] if capital else form
                      for end in ["", *ENDS] for capital in (False, True)
                      for form in (word + end for word in self.lexicon)] + [phrase + "." for phrase in STOCK]
        syllables = np.array([word.count(" ") + 1 for word in self.lexicon])
        self.syllables_per_word = float(np.diff(self.cdf, prepend=0) @ syllables)
        chosen = np.sort(np.random.default_rng([seed, 0]).choice(reviews, size=(pairs, 2), replace=False), axis=1)
        self.original_of = dict(zip(chosen[:, 1].tolist(), chosen[:, 0].tolist(), strict=True))
        self.originals = dict.fromkeys(self.original_of.values(), "")
        self.jaccard: dict[tuple[int, int], float] = {}

    def chunk(self, start: int, stop: int) -> list[str]:
        texts = self._fresh(np.random.default_rng([self.seed, 1, start]), stop - start)
        for index in range(start, stop):
            if index in self.originals:
                self.originals[index] = texts[index - start]
            original = self.original_of.get(index)
            if original is not None:
                rng = np.random.default_rng([self.seed, 2, index])
                texts[index - start], self.jaccard[original, index] = self._copy(self.originals.pop(original), rng)
        return texts

    def _fresh(self, rng: np.random.Generator, count: int) -> list[str]:
        """Words with Zipf frequencies; about one in nine ends a sentence or a clause, and a quarter of the
        sentences are followed by a stock phrase (which brings a review to about --words syllables). Drawn for
        the whole chunk at once; a review is then one join over precomputed word forms."""
        lengths = (self.words * 0.93 / self.syllables_per_word * rng.uniform(0.9, 1.1, count)).astype(np.intp)
        total, size = int(lengths.sum()), len(self.lexicon)
        entries = np.searchsorted(self.cdf, rng.random(total))
        ends = np.where(rng.random(total) < 1 / 9, rng.integers(1, len(ENDS) + 1, total), 0)
        starts = np.cumsum(lengths) - lengths
        capital = np.concatenate([[True], ends[:-1] == 1])
        capital[starts] = True
        forms = entries + size * (capital + 2 * ends)
        stock_at = np.flatnonzero((ends == 1) & (rng.random(total) < 0.25)) + 1
        stock = 2 * size * (len(ENDS) + 1) + rng.integers(len(STOCK), size=len(stock_at))
        bounds = np.append(starts + np.searchsorted(stock_at, starts, side="right"), total + len(stock_at))
        forms = np.insert(forms, stock_at, stock).tolist()
        texts = [" ".join(map(self.forms.__getitem__, forms[start:stop])) for start, stop in itertools.pairwise(bounds)]
        for index, variant in enumerate(rng.random(count).tolist()):
            if variant < 0.1:  # pasted from a Mac or a PDF
                texts[index] = unicodedata.normalize("NFD", texts[index])
            elif variant < 0.2:
                texts[index] = old_style(texts[index])
        return texts

    def _copy(self, original: str, rng: np.random.Generator) -> tuple[str, float]:
        """Edit words until the exact shingle Jaccard is as close as one edit gets to a random target in
        [0.80, 0.95], never outside that range: the planted similarities are spread evenly, not piled up at 0.80."""
        target = rng.uniform(0.80, 0.95)
        reference = shingles(original)
        tokens, jaccard = original.split(), 1.0
        while jaccard > target:
            edited = self._edit(tokens, rng)
            edited_jaccard = exact_jaccard(reference, shingles(" ".join(edited)))
            overshoots = target - edited_jaccard > jaccard - target
            if edited_jaccard < 0.80 or (overshoots and jaccard <= 0.95):
                break
            tokens, jaccard = edited, edited_jaccard
        text = " ".join(tokens)
        return (fold(text) if rng.random() < 0.25 else text), jaccard

    def _edit(self, tokens: list[str], rng: np.random.Generator) -> list[str]:
        edited = list(tokens)
        at = int(rng.integers(len(edited)))
        word = self.lexicon[int(np.searchsorted(self.cdf, rng.random()))]
        operation = rng.random()
        if operation < 0.6:
            edited[at] = word
        elif operation < 0.8:
            edited.insert(at, word)
        else:
            del edited[at]
        return edited


def old_style(text: str) -> str:
    for new, old in OLD_STYLE.items():
        text = text.replace(new, old)
    return text


def shingles(text: str) -> set[tuple[str, ...]]:
    words = similarity.syllables(text)
    return set(zip(*(words[offset:] for offset in range(similarity.SHINGLE)), strict=False))


def exact_jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def fold_and_split(texts: list[str]) -> int:
    """The floor: what signatures() does before hashing anything, alone and in the same batches."""
    words = 0
    for start in range(0, len(texts), similarity._BATCH):
        folded, _ = similarity._fold(texts[start:start + similarity._BATCH])
        words += len(similarity._words(folded)[0])
    return words


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=600)
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 < 2 * args.pairs <= args.reviews:
        parser.error("--pairs must be at least 1 and at most half of --reviews")
    corpus = Corpus(args.reviews, args.words, args.pairs, args.seed)
    similarity._fold_table()  # built once per process on first use; not part of any pass

    floor = signing = generating = 0.0
    matrix = np.empty((args.reviews, similarity.SIGNATURE_SIZE), similarity.SIGNATURE_DTYPE)
    words = 0
    for start in range(0, args.reviews, CHUNK):
        stop = min(start + CHUNK, args.reviews)
        texts, elapsed = timed(corpus.chunk, start, stop)
        generating += elapsed
        counted, elapsed = timed(fold_and_split, texts)
        words, floor = words + counted, floor + elapsed
        matrix[start:stop], elapsed = timed(similarity.signatures, texts)
        signing += elapsed
    pairs, pairing = timed(similarity.duplicate_pairs, range(args.reviews), matrix)
    return report(args, corpus, matrix, pairs, words=words, generating=generating, floor=floor, signing=signing,
                  pairing=pairing)


def report(args, corpus: Corpus, matrix: np.ndarray, pairs: list, *, words: int, generating: float, floor: float,
           signing: float, pairing: float) -> int:
    planted = corpus.jaccard
    countable = {pair for pair, jaccard in planted.items() if jaccard >= THRESHOLD}
    reported = {(first, second) for first, second, _ in pairs}
    found = len(countable & reported)
    missed = countable - reported
    recall = found / len(countable) if countable else 1.0
    false_positives = len(reported - planted.keys())
    estimates = {(a, b): similarity.similarity(matrix[a].tobytes(), matrix[b].tobytes()) for a, b in planted}
    errors = [estimates[pair] - planted[pair] for pair in planted]
    true = np.array(list(planted.values()))
    total = signing + pairing
    scaled = total * 100_000 / args.reviews
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reviews: {args.reviews:,} of about {args.words} words ({words / args.reviews:.0f} syllables on average),"
          f" generated in {generating:.1f} s; signature {similarity.SIGNATURE_BYTES} bytes"
          f" ({similarity.SIGNATURE_SIZE} bins, shingles of {similarity.SHINGLE} syllables)")
    print(f"planted pairs: {len(planted)}, exact shingle Jaccard {true.min():.3f} … {true.max():.3f}"
          f" (median {np.median(true):.3f}); estimate − exact: mean {np.mean(errors):+.4f},"
          f" sd {np.std(errors):.4f}, worst {max(errors, key=abs):+.3f}")
    print("summary (near-duplicate check)")
    print(f"fold + split (floor):      {floor:6.2f} s")
    print(f"signatures:                {signing:6.2f} s  ({signing / floor:4.1f}× floor)")
    print(f"duplicate pairs at {THRESHOLD}:    {pairing:6.2f} s  ({len(pairs)} pairs reported)")
    print(f"signatures + pairs:        {total:6.2f} s  ({total / floor:4.1f}× floor; target {TARGET_SECONDS:.0f} s"
          + ("" if args.reviews == 100_000 else f", scaled to 100,000 reviews: {scaled:.1f} s") + ")")
    print(f"recall at {THRESHOLD}:             {recall:6.1%}  ({found} of {len(countable)} planted pairs with"
          f" Jaccard ≥ {THRESHOLD}; target {TARGET_RECALL:.0%})")
    if missed:
        print(f"missed pairs: exact Jaccard {min(planted[pair] for pair in missed):.3f} …"
              f" {max(planted[pair] for pair in missed):.3f}, estimated {min(estimates[pair] for pair in missed):.3f}"
              f" … {max(estimates[pair] for pair in missed):.3f}")
    print(f"false positives:           {false_positives:6d}  (reported pairs that were not planted)")
    print(f"peak memory:               {peak:6.0f} MiB")
    passed = recall >= TARGET_RECALL and scaled < TARGET_SECONDS
    print(f"{'PASS' if passed else 'FAIL'}: {total:.1f} s for signatures and pairs, recall {recall:.1%}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
