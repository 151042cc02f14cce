"""Story clustering: near-duplicate articles (syndicated copies, re-headlined republications) share a story.

Why MinHash over word shingles: a republished article keeps most of its word sequence but changes the
headline, adds outlet boilerplate ("المصدر: ...", "تابعونا على ..."), edits a few words or reorders
paragraphs. The Jaccard similarity of k-word shingle sets stays high under such edits and is near zero
between different articles on the same topic, and MinHash estimates it from a fixed-size signature that
a store can keep beside each article.

Signatures are computed with numpy rather than ``datasketch.MinHash.update`` (one Python call per
shingle and permutation would cap throughput far below the 2,000 articles/s goal): each word is hashed
once (blake2b, 8 bytes, cached), a shingle's hash is a polynomial of its word hashes followed by a
64-bit mixer (top 32 bits kept), and the ``num_perm`` permutations are affine maps ``a*h + b mod 2**32``
(odd ``a``) applied to the whole shingle array at once; values are returned as uint64. Everything is
seeded, so a signature is the same in every process and can be stored. Candidates come from LSH
banding (bands x rows chosen by ``datasketch.MinHashLSH`` for the threshold), then the MinHash estimate
(share of equal values) is checked against the threshold.
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np

from marsad.text.normalize import normalize_text
from marsad.text.tokenize import words

# Calibrated with benchmarks/bench_dedup.py on shared/corpus/arabic_news.jsonl: 600 copies (2% of words
# replaced, paragraphs shuffled, new headline, 4 boilerplate lines) vs 20,000 pairs of articles sharing
# their main actor. k=3 keeps copies more similar than k=5 (median estimate 0.85 vs 0.79). Copy recall at
# k=3 is 1.00 at t<=0.6, 0.985 at 0.7, 0.81 at 0.8; same-actor pairs over t fall from 23 (0.6) to 20
# (0.7), and those left are glued multi-article pages or agency rewrites of one report. 0.6-0.7 holds
# formulaic but different agency items ("X receives a call from Y"), so 0.7.
SHINGLE_WORDS = 3
DEFAULT_THRESHOLD = 0.7
NUM_PERM = 128  # estimate std ~0.04 at J=0.75; 512 bytes of uint32 values per stored article
# (false positive, false negative) weights for datasketch's choice of bands x rows: every candidate is
# re-checked against the threshold, so a missed near-duplicate costs more than an extra candidate.
LSH_WEIGHTS = (0.1, 0.9)
MIN_LINE_WORDS = 10  # shorter lines are headlines or boilerplate more often than body text
SEED = 20240601  # fixed: stored signatures must stay comparable across processes and releases

_EMPTY = np.iinfo(np.uint64).max  # value of every slot of an empty text's signature
_CHUNK = 8192  # shingles per permutation block: bounds the (num_perm x chunk) temporary to 4 MB
_WORD_CACHE = 1 << 20  # distinct words whose hash is kept (~100 MB at most)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_POLY = np.uint64(0x9E3779B97F4A7C15)


def _lines(text: str) -> list[list[str]]:
    """Words of the text's body lines: lines of fewer than ``MIN_LINE_WORDS`` words (headlines, datelines,
    "المصدر: ..." and share prompts) are left out, unless no line is long enough (then one line of all)."""
    lines = [words(line) for line in normalize_text(text).split("\n")]
    body = [toks for toks in lines if len(toks) >= MIN_LINE_WORDS]
    if body:
        return body
    flat = [w for toks in lines for w in toks]
    return [flat] if flat else []


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[bytes]:
    """The k-word shingles of the normalised text's body lines (UTF-8, words joined by a space).

    Shingles do not cross line ends, so reordered paragraphs give the same set. A text with no body
    line is taken as one line; one shorter than ``k`` words gives a single shingle of all its words.
    """
    out: set[bytes] = set()
    for toks in _lines(text):
        if len(toks) < k:
            out.add(" ".join(toks).encode())
        out.update(" ".join(toks[i : i + k]).encode() for i in range(len(toks) - k + 1))
    return out


class _WordHashes(dict[str, int]):
    """word -> 64-bit blake2b hash; a dict hit is a C-level lookup (faster than ``lru_cache``)."""

    def __missing__(self, word: str) -> int:
        if len(self) >= _WORD_CACHE:  # news vocabulary keeps growing: bound the memory
            self.clear()
        value = self[word] = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
        return value


_word_hashes = _WordHashes()


def _shingle_hashes(lines: list[list[str]], k: int) -> np.ndarray:
    """32-bit hashes of the k-word shingles of each line: an order-sensitive polynomial of word hashes
    over all words at once, mixed (top half kept); shingles that would cross a line end are dropped."""
    toks = [w for line in lines for w in line]
    wh = np.fromiter(map(_word_hashes.__getitem__, toks), dtype=np.uint64, count=len(toks))
    span = min(k, min(len(line) for line in lines))  # only a single short line can be shorter than k
    n = len(toks) - span + 1
    h = wh[:n].copy()
    for j in range(1, span):
        h = h * _POLY + wh[j : j + n]
    if len(lines) > 1 and span > 1:
        line_of = np.repeat(np.arange(len(lines)), [len(line) for line in lines])
        h = h[line_of[:n] == line_of[span - 1 :]]
    h ^= h >> np.uint64(30)  # splitmix64 finaliser: spreads the polynomial's bits
    h *= _MIX1
    h ^= h >> np.uint64(27)
    h *= _MIX2
    h ^= h >> np.uint64(31)
    return (h >> np.uint64(32)).astype(np.uint32)


@cache
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """Affine maps ``a*h + b mod 2**32`` with odd ``a`` (bijective): datasketch's "affine32" scheme.

    32-bit lanes halve the cost of the (num_perm x shingles) product against 64-bit ones; collisions
    among an article's few hundred shingles stay negligible.
    """
    rng = np.random.default_rng(SEED)
    a = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32, endpoint=False) | np.uint32(1)
    b = rng.integers(0, 2**32, size=num_perm, dtype=np.uint32, endpoint=False)
    return a[:, None], b[:, None]


def signature(text: str, num_perm: int = NUM_PERM, k: int = SHINGLE_WORDS) -> np.ndarray:
    """MinHash of ``shingles(text, k)``: ``num_perm`` uint64 values, deterministic across processes.

    Pass the article body: headlines are what republishers rewrite. An empty text gives all-max values,
    which ``StoryIndex`` never merges.
    """
    lines = _lines(text)
    if not lines:
        return np.full(num_perm, _EMPTY, dtype=np.uint64)
    hashes = _shingle_hashes(lines, k)
    a, b = _permutations(num_perm)
    out = np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hashes), _CHUNK):
        block = hashes[None, start : start + _CHUNK]
        np.minimum(out, (block * a + b).min(axis=1), out=out)
    return out.astype(np.uint64)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity: the share of equal hash values."""
    return float(np.count_nonzero(a == b)) / len(a)


@cache
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) for the threshold: datasketch's optimum of weighted false positive/negative areas."""
    from datasketch import MinHashLSH  # imported here: it imports scipy, ~0.7 s of every CLI start

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    return lsh.b, lsh.r


@cache
def _band_coefficients(rows: int) -> np.ndarray:
    return np.random.default_rng(SEED + 1).integers(1, 2**63, size=rows, dtype=np.uint64) | np.uint64(1)


class StoryIndex:
    """Assigns story ids incrementally; adding stored pairs in insertion order rebuilds the same ids.

    LSH banding is done here rather than through ``datasketch.MinHashLSH`` objects: one numpy pass gives
    all band keys, and buckets hold int ranks (a bare int until a bucket is shared), which measured
    about 3x less memory and time per article than MinHashLSH with LeanMinHash at 100,000 articles.
    """

    def __init__(self, threshold: float = DEFAULT_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._bands, self._rows = bands(threshold, num_perm)
        self._coef = _band_coefficients(self._rows)
        self._salt = np.arange(self._bands, dtype=np.uint64) * _POLY  # keeps equal rows of two bands apart
        self._buckets: dict[int, int | list[int]] = {}
        self._ids: list[str] = []  # rank -> article id (rank = insertion order)
        self._signatures: list[np.ndarray | None] = []  # rank -> uint32 values (None: empty text)
        self._story: dict[str, str] = {}

    def add(self, article_id: str, signature: np.ndarray) -> str:
        """Index an article; return the story of its most similar near-duplicate, else a new story id.

        Adding an id again returns its story unchanged (a store may replay).
        """
        if article_id in self._story:
            return self._story[article_id]
        values = np.asarray(signature, dtype=np.uint64)
        if values.shape != (self.num_perm,):
            raise ValueError(f"signature must have shape ({self.num_perm},), got {values.shape}")
        rank = len(self._ids)
        self._ids.append(article_id)
        if bool((values == _EMPTY).all()):  # no words: nothing to compare, never merged
            self._signatures.append(None)
            self._story[article_id] = f"story:{article_id}"
            return self._story[article_id]
        values32 = values.astype(np.uint32)  # the values are 32-bit: half the memory
        keys = self._band_keys(values32)
        best = self._best_match(values32, self._candidates(keys))
        self._story[article_id] = self._story[self._ids[best]] if best is not None else f"story:{article_id}"
        self._signatures.append(values32)
        self._insert(keys, rank)
        return self._story[article_id]

    def _band_keys(self, values32: np.ndarray) -> list[int]:
        rows = values32[: self._bands * self._rows].reshape(self._bands, self._rows).astype(np.uint64)
        return ((rows * self._coef).sum(axis=1) + self._salt).tolist()

    def _candidates(self, keys: list[int]) -> set[int]:
        found: set[int] = set()
        for key in keys:
            hit = self._buckets.get(key)
            if hit is None:
                continue
            if isinstance(hit, int):
                found.add(hit)
            else:
                found.update(hit)
        return found

    def _insert(self, keys: list[int], rank: int) -> None:
        for key in keys:
            hit = self._buckets.setdefault(key, rank)
            if hit == rank:  # a new bucket (a list never equals an int)
                continue
            if isinstance(hit, int):
                self._buckets[key] = [hit, rank]
            else:
                hit.append(rank)

    def _best_match(self, values32: np.ndarray, candidates: set[int]) -> int | None:
        """Rank of the most similar candidate at or over the threshold; the earliest among equals.

        One numpy comparison for all candidates: copies of a much-republished story find dozens.
        """
        ranks = sorted(c for c in candidates if self._signatures[c] is not None)
        if not ranks:
            return None
        stacked = np.stack([self._signatures[c] for c in ranks])  # type: ignore[misc]
        sims = np.count_nonzero(stacked == values32, axis=1) / self.num_perm
        i = int(np.argmax(sims))  # first maximum: the earliest rank
        return ranks[i] if sims[i] >= self.threshold else None

    def story_of(self, article_id: str) -> str:
        """The story id given to ``article_id`` (KeyError when it was never added)."""
        return self._story[article_id]

    def __len__(self) -> int:
        return len(self._story)
