"""Stories: one story, many outlets. Pure near-duplicate clustering, no I/O.

Every article gets a `story_id`: the article id of the story's first member. Copies of one
story (wire copies with a dateline, byline or footer added, the tail cut, light rewording,
another site's boilerplate around the same text) share it; different stories never do.

How (calibrated on labelled variants of the real corpora, see docs/stories.md):
- Text: `text.word_tokens` (casefolded letter/digit runs, one token per CJK character), so
  case and punctuation never matter. Shingles are runs of `SHINGLE_WORDS` tokens.
- Signature: the "affine32" MinHash of datasketch 2.x, bit for bit, in numpy (`vectors`): importing
  datasketch would load scipy (~55 MiB). Stored as bytes with a small header holding the
  parameters and the shingle count.
- Candidates: LSH, `BANDS` bands of `ROWS` rows; each band is a 64-bit key (`band_keys`). The
  warehouse keeps the keys in `story_bands`, so a run looks up only its new articles' keys.
- Verification: a candidate matches when the estimated Jaccard similarity, or the estimated
  containment of the smaller text in the larger, clears its threshold (`Similarity.matches`).
  Containment is what keeps a copy with its last paragraphs cut in the story.
- Template texts: a match is refused when the texts' number slots conflict (`stories_slots`):
  two CENTCOM statements a day apart share their words, not their date, time and counts.
- Site furniture: a short line that articles of `furniture_min_stories` different stories of one
  site carry is that site's furniture, and is left out before shingling (`stories_furniture`):
  briefs wrapped in a site's long header and footer share the furniture, not the story.
- Short texts (under `MIN_WORDS` tokens) get no signature: they share a story only with texts
  whose token sequence is identical (one exact key in band `EXACT_BAND`).
- Bridges: when a new article matches two or more stories, they merge into the one that
  started first; the others are reported as `StoryMerge`s for the warehouse to rewrite. A text
  holding two by containment alone bridges them only when they match (`stories_graph.bridged`).
"""

from __future__ import annotations

import hashlib
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsflow import stories_furniture, vectors
from newsflow.stories_furniture import Line, LineLookup, SiteLines, distinct_keys, lines_of, without_lines
from newsflow.stories_graph import HELD_OVERLAP_MIN, Match, StoryGraph, bridged
from newsflow.stories_graph import StoryMerge as StoryMerge  # re-exported: a StoryAssignment holds them
from newsflow.stories_slots import NO_NUMBERS_SHARED, NO_SLOTS, SlotComparison, compare_slots, slots_of
from newsflow.text import word_tokens
from newsflow.vectors import U32s, U64s, shingle_hashes

SHINGLE_WORDS = 3
NUM_PERM = 128
BANDS = 42
ROWS = 3
SEED = 1
MIN_WORDS = 50
JACCARD_MIN = 0.5
CONTAINMENT_MIN = 0.7
SIZE_RATIO_MIN = 0.3
SLOT_CONFLICTS_MIN = 2
FURNITURE_MAX_WORDS = 24
FURNITURE_MIN_STORIES = 3
"""A line of at most FURNITURE_MAX_WORDS tokens that articles of FURNITURE_MIN_STORIES different stories
of one site carry (the article's own counted as one) is that site's furniture, left out before
shingling (`stories_furniture`)."""
DATE_CONFLICT_WEIGHT = 2
"""A match is refused when at least SLOT_CONFLICTS_MIN shared number slots conflict and they are at least
as many as the agreeing ones, counted DATE_CONFLICT_WEIGHT times when a date is among them
(`stories_slots`). A number changed by an update (a toll that rose) conflicts on its two slots; the
date and the other numbers it keeps agree. Tomorrow's statement conflicts on its date."""
EXACT_BAND = -1
"""The band of the one key a short text gets: a hash of its whole token sequence."""

BandKey = tuple[int, int]
"""(band, band_hash); band_hash is an unsigned 64-bit int (DuckDB UBIGINT)."""

_MAGIC = b"NFMH"
_FORMAT_VERSION = 1
_HEADER = struct.Struct("<4sBBHI")  # magic, version, shingle words, num_perm, shingle count
_SLOT_COUNT = struct.Struct("<H")  # after the values: how many 64-bit number slots follow (none before 2026-12)


@dataclass(frozen=True)
class StoryParams:
    """Every knob of the clustering; the defaults are the calibrated ones."""

    shingle_words: int = SHINGLE_WORDS
    num_perm: int = NUM_PERM
    bands: int = BANDS
    rows: int = ROWS
    seed: int = SEED
    min_words: int = MIN_WORDS
    jaccard_min: float = JACCARD_MIN
    containment_min: float = CONTAINMENT_MIN
    size_ratio_min: float = SIZE_RATIO_MIN
    slot_conflicts_min: int = SLOT_CONFLICTS_MIN
    date_conflict_weight: int = DATE_CONFLICT_WEIGHT
    furniture_max_words: int = FURNITURE_MAX_WORDS
    furniture_min_stories: int = FURNITURE_MIN_STORIES
    containment_bridges: bool = False
    """True: the clustering before 2026-12, where a digest holding two stories' heads by containment
    alone merged them; for comparisons."""

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"{self.bands} bands x {self.rows} rows need more than {self.num_perm} permutations")
        if self.shingle_words < 1 or self.min_words < self.shingle_words:
            raise ValueError("min_words must be at least shingle_words, and both positive")


DEFAULT_PARAMS = StoryParams()


@dataclass(frozen=True)
class StoryCandidate:
    """A new article to place in a story. `sort_key` orders the batch earliest-first:
    (published_at or fetched_at, article_id). `site` is where it was published (its canonical URL's
    outlet, dedup.site_of_url); "" leaves its lines out of the furniture counts."""

    article_id: str
    text: str
    content_hash: str
    sort_key: tuple[Any, ...]
    site: str = ""


@dataclass(frozen=True)
class IndexedArticle:
    """An article already in the index, found by `matched_key`, one of the looked-up keys.

    `signature` is None for a short text (it can only match on its exact key).
    `story_sort_key` is the sort key of the story's first member: it picks the survivor when
    a bridge merges stories. An article found by several keys may come once per key.
    """

    article_id: str
    story_id: str
    signature: bytes | None
    matched_key: BandKey
    story_sort_key: tuple[Any, ...] = ()


@dataclass(frozen=True)
class AssignedArticle:
    """What to store for one new article: its story, signature and keys for the index, and the keys
    of its short lines (`story_lines`, counted per site to find furniture)."""

    article_id: str
    story_id: str
    signature: bytes | None
    band_keys: tuple[BandKey, ...]
    site: str = ""
    line_keys: tuple[int, ...] = ()


@dataclass(frozen=True)
class StoryAssignment:
    articles: tuple[AssignedArticle, ...]
    merges: tuple[StoryMerge, ...] = ()

    def story_ids(self) -> dict[str, str]:
        return {a.article_id: a.story_id for a in self.articles}


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float
    size_ratio: float
    slots: SlotComparison = NO_NUMBERS_SHARED

    def matches(self, params: StoryParams = DEFAULT_PARAMS) -> bool:
        if self._numbers_conflict(params):
            return False  # one template, different events: the words agree, the numbers do not
        if self.jaccard >= params.jaccard_min:
            return True
        return self.containment >= params.containment_min and self.size_ratio >= params.size_ratio_min

    def _numbers_conflict(self, params: StoryParams) -> bool:
        slots = self.slots
        weight = params.date_conflict_weight if slots.conflicting_dates else 1
        return slots.conflicting >= params.slot_conflicts_min and weight * slots.conflicting >= slots.agreeing


Lookup = Callable[[list[BandKey]], list[IndexedArticle]]


# --- signatures ---------------------------------------------------------------------------


def signature_of(text: str, params: StoryParams = DEFAULT_PARAMS) -> bytes | None:
    """The MinHash signature of `text`, or None when it has fewer than `min_words` tokens."""
    tokens = word_tokens(text)
    if len(tokens) < params.min_words:
        return None
    shingles = shingle_hashes(tokens, params.shingle_words)
    values = vectors.minhash_bytes(shingles, params.num_perm, params.seed)
    header = _HEADER.pack(_MAGIC, _FORMAT_VERSION, params.shingle_words, params.num_perm, len(shingles))
    slots = slots_of(tokens)
    return header + values + _SLOT_COUNT.pack(len(slots)) + vectors.u64_bytes(slots)


def _unpack(signature: bytes, params: StoryParams) -> tuple[int, U32s]:
    magic, version, words, num_perm, shingle_count = _HEADER.unpack_from(signature)
    if (magic, version, words, num_perm) != (_MAGIC, _FORMAT_VERSION, params.shingle_words, params.num_perm):
        raise ValueError(
            f"signature made with {words}-word shingles and {num_perm} permutations (format {version}); "
            f"these parameters need {params.shingle_words} and {params.num_perm}: rebuild the story index"
        )
    return shingle_count, vectors.u32s_in(signature, num_perm, _HEADER.size)


def _slots(signature: bytes, params: StoryParams) -> U64s:
    """The number slots after the values; a signature stored before they were added has none."""
    offset = _HEADER.size + 4 * params.num_perm
    if len(signature) < offset + _SLOT_COUNT.size:
        return NO_SLOTS
    (count,) = _SLOT_COUNT.unpack_from(signature, offset)
    return vectors.u64s_in(signature, count, offset + _SLOT_COUNT.size)


def similarity(first: bytes, second: bytes, params: StoryParams = DEFAULT_PARAMS) -> Similarity:
    """Estimated Jaccard similarity, containment of the smaller shingle set in the larger, and, when
    those make a match, how the texts' number slots compare."""
    size_a, values_a = _unpack(first, params)
    size_b, values_b = _unpack(second, params)
    jaccard = vectors.equal_count(values_a, values_b) / len(values_a)
    # |A n B| = J / (1 + J) * (|A| + |B|), from J = |A n B| / |A u B|.
    overlap = jaccard / (1.0 + jaccard) * (size_a + size_b)
    smaller, larger = min(size_a, size_b), max(size_a, size_b)
    words = Similarity(jaccard, min(1.0, overlap / smaller), smaller / larger)
    if not words.matches(params):  # numbers can only refuse a match: most candidates need not read them
        return words
    return replace(words, slots=compare_slots(_slots(first, params), _slots(second, params)))


# --- band keys ----------------------------------------------------------------------------


def band_keys(signature: bytes, params: StoryParams = DEFAULT_PARAMS) -> list[BandKey]:
    """One (band, unsigned 64-bit hash) pair per LSH band of the signature."""
    _, values = _unpack(signature, params)
    # Equal rows in two bands give equal hashes, but the band number is part of the key.
    return list(enumerate(vectors.band_hashes(values, params.bands, params.rows)))


def exact_key(text: str, content_hash: str) -> BandKey:
    """The key of a short text: its token sequence, or its content hash when it has no tokens."""
    tokens = word_tokens(text)
    payload = " ".join(tokens) if tokens else f"content:{content_hash}"
    return (EXACT_BAND, _hash64(payload.encode("utf-8")))


def _hash64(payload: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "little")


def index_entry(candidate: StoryCandidate, params: StoryParams = DEFAULT_PARAMS) -> tuple[bytes | None, list[BandKey]]:
    """The signature (None for a short text) and the keys one article puts in the index."""
    signature = signature_of(candidate.text, params)
    if signature is None:
        return None, [exact_key(candidate.text, candidate.content_hash)]
    return signature, band_keys(signature, params)


# --- assignment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """An article that a new one can match: from the index, or earlier in the batch."""

    article_id: str
    story_id: str
    signature: bytes | None


def assign_stories(
    new: Sequence[StoryCandidate], lookup: Lookup, params: StoryParams = DEFAULT_PARAMS,
    line_lookup: LineLookup | None = None,
) -> StoryAssignment:
    """Place each new article in a story: one it matches in the index or the batch, or its own.

    `lookup` is called with every key of the batch, and returns the indexed articles stored under
    any of them (the warehouse does this with one join on `story_bands`); it is called again only
    for an article whose furniture turned out otherwise once the batch's earlier articles were
    placed (they joined one story instead of being one each).
    `line_lookup`, called once with the batch's (site, short line) keys, returns the stories of the
    stored articles carrying them (`story_lines`); without it only the batch's own lines are counted.
    """
    ordered = sorted(new, key=lambda c: c.sort_key)
    lines = {c.article_id: lines_of(c.text, params.furniture_max_words) if c.site else [] for c in ordered}
    wanted = sorted({(c.site, line.key) for c in ordered for line in lines[c.article_id] if line.short})
    cap = params.furniture_min_stories
    stored_lines, story_lines = line_lookup(wanted, sorted(lines), cap) if wanted and line_lookup else ([], [])
    # First guess: each earlier article of the batch a story of its own, as most are.
    guessed = stories_furniture.furniture_in_order([(c.article_id, c.site) for c in ordered], lines,
                                                   SiteLines(stored_lines, story_lines), params.furniture_min_stories)
    entries = {c.article_id: index_entry(_without(c, lines[c.article_id], guessed[c.article_id]), params)
               for c in ordered}
    looked_up = sorted({key for _, keys in entries.values() for key in keys})
    graph = StoryGraph()
    by_key = _index_by_key(lookup(looked_up) if looked_up else [], set(entries), graph)
    site_lines = SiteLines(stored_lines, story_lines)
    story_of: dict[str, str] = {}

    def current_story(story_or_article: str) -> str:
        story = story_of.get(story_or_article, story_or_article)
        return graph.find(story) if story in graph.parent else story

    for candidate in ordered:
        own_lines = lines[candidate.article_id]
        furniture = site_lines.furniture(candidate.site, own_lines, params.furniture_min_stories, current_story)
        site_lines.add(candidate.site, candidate.article_id, (line.key for line in own_lines))
        if furniture != guessed[candidate.article_id]:
            entries[candidate.article_id] = index_entry(_without(candidate, lines[candidate.article_id], furniture),
                                                        params)
            missing = sorted(set(entries[candidate.article_id][1]) - set(looked_up))
            if missing:
                _index_by_key(lookup(missing), set(entries), graph, by_key)
        signature, keys = entries[candidate.article_id]
        matched = _matching_stories(signature, keys, by_key, graph, params)
        story_id = graph.join(matched, candidate.article_id) if matched else candidate.article_id
        graph.add(story_id, candidate.sort_key, persisted=False)
        story_of[candidate.article_id] = story_id
        member = _Member(candidate.article_id, story_id, signature)
        for key in keys:
            by_key[key].append(member)
    articles = tuple(
        AssignedArticle(c.article_id, graph.find(story_of[c.article_id]), entries[c.article_id][0],
                        tuple(entries[c.article_id][1]), c.site, distinct_keys(lines[c.article_id]))
        for c in ordered
    )
    return StoryAssignment(articles, graph.merges())


def _without(candidate: StoryCandidate, lines: Sequence[Line], furniture: set[int]) -> StoryCandidate:
    """The candidate with every line of its site's furniture left out."""
    if not furniture:
        return candidate
    return replace(candidate, text=without_lines(candidate.text, (x.number for x in lines if x.key in furniture)))


def _index_by_key(
    indexed: Iterable[IndexedArticle], batch_ids: set[str], graph: StoryGraph,
    by_key: defaultdict[BandKey, list[_Member]] | None = None,
) -> defaultdict[BandKey, list[_Member]]:
    by_key = defaultdict(list) if by_key is None else by_key
    for found in indexed:
        if found.article_id in batch_ids:
            continue  # being re-assigned in this batch; the batch copy is the one that counts
        graph.add(found.story_id, found.story_sort_key, persisted=True)
        by_key[found.matched_key].append(_Member(found.article_id, found.story_id, found.signature))
    return by_key


def _matching_stories(
    signature: bytes | None,
    keys: Sequence[BandKey],
    by_key: defaultdict[BandKey, list[_Member]],
    graph: StoryGraph,
    params: StoryParams,
) -> set[str]:
    """The current ids of the stories this article joins (two or more: a bridge merges them):
    `stories_graph.bridged` keeps containment from chaining sideways."""
    seen: set[str] = set()
    matches: list[Match] = []
    for key in keys:
        for member in by_key.get(key, ()):
            if member.article_id in seen:
                continue
            seen.add(member.article_id)
            found = _verified(signature, member.signature, params)
            if found is not None:
                story = graph.find(member.story_id)
                kind = _kind(found, signature, member.signature, params)
                order = (0, -found.jaccard) if kind == 0 else (1, graph.rank[story], -found.containment)
                matches.append(Match(story, member.signature, kind, (*order, story)))
    return bridged(matches, lambda first, second: first is not None and second is not None
                   and similarity(first, second, params).containment >= HELD_OVERLAP_MIN)


def _kind(found: Similarity, signature: bytes | None, other: bytes | None, params: StoryParams) -> int:
    """0 for a whole match (Jaccard, an exact key); else 1 when the article is the smaller text, -1 when
    the member is (compared by their shingle counts)."""
    if found.jaccard >= params.jaccard_min or signature is None or other is None or params.containment_bridges:
        return 0
    return 1 if _HEADER.unpack_from(signature)[4] <= _HEADER.unpack_from(other)[4] else -1


_EXACT = Similarity(1.0, 1.0, 1.0)


def _verified(signature: bytes | None, other: bytes | None, params: StoryParams) -> Similarity | None:
    """How the two match, or None when they do not. Exact keys need no check (and match as a
    whole); band keys are candidates until the signatures agree."""
    if signature is None or other is None:
        return _EXACT if signature is None and other is None else None
    found = similarity(signature, other, params)
    return found if found.matches(params) else None
