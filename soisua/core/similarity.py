"""Near-duplicate texts for the formalism signals: a review copied from the author's earlier review, from a
colleague's or from a template text.

A text becomes a set of shingles (SHINGLE consecutive syllables after folding), the set becomes a one-permutation
MinHash signature (Li, Owen & Zhang, "One Permutation Hashing", NIPS 2012): every shingle is hashed once, the top
bits choose one of SIGNATURE_SIZE bins, and each bin keeps the smallest of the low 16 bits it received. Two texts
agree in a bin exactly when the smallest shingle of their union in that bin belongs to both, so the share of
agreeing bins among the bins either text uses estimates the Jaccard similarity of the shingle sets. One hash per
shingle instead of one per shingle and permutation is what makes 100,000 reviews take seconds, and sampling the
bins without replacement gives a lower variance than classic MinHash of the same size.

Everything is plain numpy over a batch of texts; no Python `hash()`, so signatures are the same in every process
and can be stored (`signature()` bytes on the review row) and compared years later.
"""

import functools
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import batched

import numpy as np

from soisua.core.text import fold

# Three syllables: about one and a half Vietnamese words, enough context that folding the diacritics away (see
# _fold_char) does not make unrelated phrases collide, while one changed word still spoils only three shingles.
SHINGLE = 3
# 1024 bins for a 600-word review (about 600 shingles). The estimate's standard deviation at a similarity of 0.8
# is then about 0.008 (0.011 with 512, 0.017 with 256), and that decides the recall at the threshold: a copy whose
# true similarity is 0.80 is estimated below 0.80 half the time whatever the size, so only a narrow spread keeps
# the pairs just above the threshold. With copies spread evenly over 0.80 … 0.95, about 2 % are missed with 1024
# bins, 3-4 % with 512. A power of two, because the bin is taken from the hash's top bits.
SIGNATURE_SIZE = 1024
# 16 bits per bin: two different shingles agree by chance once in 65,535 bins, which moves an estimate by less
# than 0.0001, and a signature is 2 KiB instead of 4 to store on every review.
SIGNATURE_DTYPE = np.dtype("<u2")
SIGNATURE_BYTES = SIGNATURE_SIZE * SIGNATURE_DTYPE.itemsize
# A bin no shingle fell into. A text without any word (empty, only punctuation) has only empty bins and is
# similar to nothing, not even to another empty text: an empty review is not a copy, and other checks see it.
EMPTY = 0xFFFF

_BIN_SHIFT = 64 - (SIGNATURE_SIZE.bit_length() - 1)
_SPACE, _DROP = 0x20, 0x00
_BATCH = 1000  # texts per numpy pass: large enough to amortise the calls, small enough to stay in cache
_PAIR_CHUNK = 10_000  # candidate pairs compared at once: 2 × 10,000 × 2 KiB of signatures
# Odd 64-bit constants (splitmix64, xxhash): a shingle's hash depends on the order of its syllables.
_POSITION = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5,
                      0x85EBCA77C2B2AE63, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0xD6E8FEB86659FD93],
                     dtype=np.uint64)[:SHINGLE]
# Byte masks keeping the first n characters of an 8-character window, for n = 0 … 8.
_PREFIX = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
# Letters a copy can be retyped with to dodge a checker: Ð/ð stand in for Đ/đ in old fonts and keyboard layouts,
# the Cyrillic and Greek ones look exactly like their Latin twins.
_LOOKALIKES = dict(zip("ðÐаеорсухіјѕһԁАВЕКМНОРСТХУІЈЅοΟΑΒΕΗΙΚΜΝΡΤΧΥΖ",
                       "ddaeopcyxijshdabekmhopctxyijsooabehikmnptxyz", strict=True))


def syllables(text: str) -> list[str]:
    """The text as the syllables its signature is made of: 'Hoà bình, thuý' -> ['hoa', 'binh', 'thuy']."""
    folded, _ = _fold([text])
    return folded.tobytes().decode("ascii").split()


def signature(text: str) -> bytes:
    """SIGNATURE_BYTES bytes (SIGNATURE_SIZE little-endian uint16). A text of fewer than SHINGLE syllables is one
    shingle of all of them, so 'Đồng ý.' still matches 'đồng ý'; a text without any word matches nothing."""
    return signatures([text])[0].astype(SIGNATURE_DTYPE, copy=False).tobytes()


def signatures(texts: Iterable[str]) -> np.ndarray:
    """One signature per text, shape (n, SIGNATURE_SIZE); consumes the iterable in batches, so a generator of
    100,000 texts is never held in memory at once."""
    if isinstance(texts, str):
        raise TypeError("signatures() takes an iterable of texts; use signature() for one text")
    parts = [_signature_batch(batch) for batch in batched(texts, _BATCH)]
    if not parts:
        return np.empty((0, SIGNATURE_SIZE), SIGNATURE_DTYPE)
    return np.concatenate(parts)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the two texts' shingle sets, from 0.0 to 1.0."""
    return float(_estimates(_matrix([a]), _matrix([b]))[0])


def near_duplicates[Key](candidates: Iterable[tuple[Key, bytes]], signature: bytes, *,
                         threshold: float = 0.8) -> list[tuple[Key, float]]:
    """The candidates whose estimated similarity to `signature` is at least `threshold`, most similar first."""
    keys, blobs = [], []
    for key, blob in candidates:
        keys.append(key)
        blobs.append(blob)
    if not keys:
        return []
    scores = _estimates(_matrix(blobs), _matrix([signature]))
    order = np.argsort(-scores, kind="stable")
    return [(keys[index], float(scores[index])) for index in order if scores[index] >= threshold]


def duplicate_pairs[Key](keys: Sequence[Key], matrix: np.ndarray, *,
                         threshold: float = 0.8) -> list[tuple[Key, Key, float]]:
    """Every pair of rows whose estimated similarity is at least `threshold`, most similar first, each pair once
    (in the order of `keys`). Rows are compared only when they agree on a whole band of bins (LSH), so 100,000
    signatures need seconds, not the 5 billion comparisons of all pairs."""
    if len(keys) != len(matrix) or matrix.ndim != 2 or matrix.shape[1] != SIGNATURE_SIZE:
        raise ValueError(f"expected {len(keys)} signatures of {SIGNATURE_SIZE} values, got shape {matrix.shape}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    first, second = _candidates(matrix, *_banding(threshold))
    scores = np.concatenate([_estimates(matrix[first[start:start + _PAIR_CHUNK]],
                                        matrix[second[start:start + _PAIR_CHUNK]])
                             for start in range(0, len(first), _PAIR_CHUNK)] or [np.empty(0)])
    found = np.flatnonzero(scores >= threshold)
    found = found[np.argsort(-scores[found], kind="stable")]
    return [(keys[first[index]], keys[second[index]], float(scores[index])) for index in found]


# --- folding -----------------------------------------------------------------------------------------------------

def _fold_char(char: str) -> int:
    """The byte a UTF-16 code unit folds to.

    Diacritics are folded away entirely, tones and vowel shapes alike ('hoà', 'hòa', 'HOÀ', 'hoa' are one syllable):
    a copy retyped without accents, on a phone without a Vietnamese keyboard or to dodge the check, is still a copy,
    and the old/new tone placement ('thuý'/'thúy') and precomposed/decomposed Unicode stop mattering for free. What
    this loses (ma/má/mà/mả/mã/mạ become one syllable) hardly matters inside a three-syllable shingle.
    """
    char = _LOOKALIKES.get(char, char)
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        # Combining marks of decomposed text, and zero-width spaces or soft hyphens pasted inside words to make a
        # copy look different: removed without splitting the word.
        return _DROP
    # The project's folding (search keys use it too), after compatibility forms such as full-width letters.
    folded = fold(unicodedata.normalize("NFKC", char))
    # Anything else (punctuation, symbols, other scripts, ligatures that expand to two letters) separates words.
    return ord(folded) if len(folded) == 1 and folded.isascii() and folded.isalnum() else _SPACE


@functools.cache
def _fold_table() -> np.ndarray:
    """Every UTF-16 code unit's byte, built on first use (about 0.1 s) rather than at import."""
    return np.array([_fold_char(chr(unit)) for unit in range(0x10000)], dtype=np.uint8)


def _fold(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The texts as one array of folded ASCII bytes, words separated by spaces, each text followed by a space and
    the whole preceded by one; and the offset where each text starts in it."""
    # UTF-16 because CPython keeps Vietnamese text as 2-byte units anyway: encoding is a copy, and one table
    # lookup per unit folds it. surrogatepass: a lone surrogate in broken input must not raise.
    units = [text.encode("utf-16-le", "surrogatepass") for text in texts]
    codes = np.frombuffer(b" \x00" + b" \x00".join(units) + b" \x00", dtype="<u2")
    starts = np.cumsum([1] + [len(unit) // 2 + 1 for unit in units[:-1]])
    folded = _fold_table()[codes]
    folded[_digit_separators(codes, folded)] = _DROP
    dropped = np.flatnonzero(folded == _DROP)
    if len(dropped):
        starts = starts - np.searchsorted(dropped, starts)
        folded = np.delete(folded, dropped)
    return folded, starts


def _digit_separators(codes: np.ndarray, folded: np.ndarray) -> np.ndarray:
    """Positions of '.' and ',' between two digits: 1.000.000, 1,000,000 and 1000000 are one number."""
    digit = (folded >= ord("0")) & (folded <= ord("9"))
    mark = (codes[1:-1] == ord(".")) | (codes[1:-1] == ord(","))
    return np.flatnonzero(mark & digit[:-2] & digit[2:]) + 1


# --- hashing -----------------------------------------------------------------------------------------------------

def _mix(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every output bit depends on every input bit (uint64 arithmetic wraps)."""
    values = values ^ (values >> 30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> 27
    values *= np.uint64(0x94D049BB133111EB)
    return values ^ (values >> 31)


def _words(folded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words in a folded array that begins and ends with a space."""
    word = folded != _SPACE
    edges = np.flatnonzero(word[1:] != word[:-1]) + 1
    return edges[0::2], edges[1::2]


def _word_hashes(folded: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit hash per word. Nearly all Vietnamese syllables and numbers fit in 8 bytes: those are read as one
    little-endian integer (exact, so no two words share it) and mixed; longer words go through blake2b."""
    padded = np.concatenate([folded, np.zeros(8, np.uint8)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 8)[starts]
    lengths = ends - starts
    hashes = _mix(windows.view("<u8").ravel() & _PREFIX[np.minimum(lengths, 8)])
    for index in np.flatnonzero(lengths > 8):
        word = folded[starts[index]:ends[index]].tobytes()
        hashes[index] = int.from_bytes(hashlib.blake2b(word, digest_size=8).digest(), "little")
    return hashes


def _shingle_hashes(words: np.ndarray, texts: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every shingle and the text it belongs to. `texts` (non-decreasing) says which text each word
    comes from. A text shorter than SHINGLE words gets one shingle of all its words."""
    padded_words = np.concatenate([words, np.zeros(SHINGLE - 1, np.uint64)])
    padded_texts = np.concatenate([texts, np.full(SHINGLE - 1, -1)])
    combined = words * _POSITION[0]
    same_text = np.ones(len(words), dtype=bool)
    for offset in range(1, SHINGLE):
        same_text = padded_texts[offset:offset + len(words)] == texts
        combined ^= np.where(same_text, padded_words[offset:offset + len(words)] * _POSITION[offset], 0)
    first_word = np.concatenate([[True], texts[1:] != texts[:-1]])
    short_text = np.bincount(texts, minlength=count)[texts] < SHINGLE
    keep = same_text | (first_word & short_text)
    return _mix(combined[keep]), texts[keep]


def _signature_batch(texts: Sequence[str]) -> np.ndarray:
    folded, text_starts = _fold(texts)
    starts, ends = _words(folded)
    result = np.full((len(texts), SIGNATURE_SIZE), EMPTY, SIGNATURE_DTYPE)
    if not len(starts):
        return result
    word_texts = np.searchsorted(text_starts, starts, side="right") - 1
    hashes, shingle_texts = _shingle_hashes(_word_hashes(folded, starts, ends), word_texts, len(texts))
    bins = (hashes >> _BIN_SHIFT).astype(np.intp)
    # The low 16 bits order the shingles within a bin; EMPTY is kept for bins nothing fell into.
    values = np.minimum(hashes & np.uint64(0xFFFF), EMPTY - 1).astype(SIGNATURE_DTYPE)
    np.minimum.at(result.reshape(-1), shingle_texts * SIGNATURE_SIZE + bins, values)
    return result


# --- comparing ---------------------------------------------------------------------------------------------------

def _matrix(blobs: Sequence[bytes]) -> np.ndarray:
    for blob in blobs:
        if len(blob) != SIGNATURE_BYTES:
            # A signature stored before SIGNATURE_SIZE changed: recompute it, comparing would be meaningless.
            raise ValueError(f"a signature has {len(blob)} bytes, expected {SIGNATURE_BYTES}")
    return np.frombuffer(b"".join(blobs), dtype=SIGNATURE_DTYPE).reshape(len(blobs), SIGNATURE_SIZE)


def _estimates(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise (broadcast) similarity: agreeing bins among the bins either text uses. Bins both texts left empty
    say nothing about either (counting them would make two short texts look alike)."""
    used = ((a != EMPTY) | (b != EMPTY)).sum(axis=1)
    agreeing = ((a == b) & (a != EMPTY)).sum(axis=1)
    return np.divide(agreeing, used, out=np.zeros(len(used)), where=used > 0)


# --- locality-sensitive hashing ----------------------------------------------------------------------------------

def _banding(threshold: float) -> tuple[int, int]:
    """Bands and rows per band: the most rows per band (fewest candidates) for which a pair at the threshold
    still shares at least one whole band with a probability of 99 %, 1 - (1 - s^rows)^bands ≥ 0.99.

    At 0.8 that is 85 bands of 12 rows (1020 of the 1024 bins). The S-curve, the chance that a pair of similarity
    s is compared at all: s = 0.3: 0.005 %, 0.5: 2.1 %, 0.6: 17 %, 0.7: 69 %, 0.75: 94 %, 0.8: 99.76 %, 0.85 and
    above: 100 %. Unrelated reviews (s ≈ 0.05) practically never meet; 13 rows would give only 98.8 % at 0.8.
    In practice the chance is higher still, because bins both texts of a pair left empty always agree. A lower
    threshold gets shorter bands (0.6: 170 bands of 6 rows) and many more candidates.
    """
    rows = SIGNATURE_SIZE
    while rows > 1 and 1 - (1 - threshold**rows) ** (SIGNATURE_SIZE // rows) < 0.99:
        rows -= 1
    return SIGNATURE_SIZE // rows, rows


def _band_keys(band: np.ndarray) -> np.ndarray:
    keys = np.zeros(len(band), np.uint64)
    for column in band.T:
        keys = _mix(keys ^ column)
    return keys


def _candidates(matrix: np.ndarray, bands: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (first < second) that agree on all rows of at least one band."""
    codes = [np.empty(0, np.int64)]
    if len(matrix) < 2:
        return codes[0], codes[0]
    for band in range(bands):
        columns = matrix[:, band * rows:(band + 1) * rows]
        # A band of empty bins only says both texts are short; it must not make all short texts candidates.
        occupied = np.flatnonzero((columns != EMPTY).any(axis=1))
        first, second = _colliding(_band_keys(columns[occupied]))
        first, second = occupied[first], occupied[second]
        codes.append(np.minimum(first, second) * len(matrix) + np.maximum(first, second))
    unique = np.unique(np.concatenate(codes))
    return unique // len(matrix), unique % len(matrix)


def _colliding(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions with equal keys, without a Python loop over the groups."""
    if len(keys) < 2:
        return np.empty(0, np.intp), np.empty(0, np.intp)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    position = np.arange(len(keys))
    group_start = np.maximum.accumulate(np.where(np.concatenate([[True], ordered[1:] != ordered[:-1]]), position, 0))
    earlier = position - group_start  # how many earlier members of its group each position pairs with
    pair_offsets = np.arange(earlier.sum()) - np.repeat(np.cumsum(earlier) - earlier, earlier)
    later = np.repeat(position, earlier)
    return order[later], order[np.repeat(group_start, earlier) + pair_offsets]
