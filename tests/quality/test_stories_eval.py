"""Calibration of story clustering on labelled wire-style variants of the real corpora.

Positives: each corpus article and its variants (tests/storyvariants.py). Negatives: every
pair of different articles, including same-publisher, shared-topic and same-site-template
pairs. Print the calibration table behind docs/stories.md with:

    uv run --no-sync python -m tests.quality.test_stories_eval
"""

from __future__ import annotations

import itertools
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from newsflow.stories import (
    DEFAULT_PARAMS,
    BandKey,
    StoryCandidate,
    StoryParams,
    assign_stories,
    index_entry,
    similarity,
)
from newsflow.stories_memory import MemoryIndex
from tests.storyvariants import LabelledText, labelled_set, load_sources

pytestmark = pytest.mark.corpus

PRECISION_TARGET = 0.98
RECALL_TARGET = 0.95

SAME_STORY = {"de/Taz_2024_10_23.html.gz": "de/Taz_2023_04_28.html.gz"}
"""Corpus pages that are one story: the 2024 Taz page is a re-crawl of the 2023 one (same
title, same body less one paragraph), so their texts are positives, not negatives."""

Pair = tuple[str, str]


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs


def story_label(text: LabelledText) -> str:
    return SAME_STORY.get(text.source_id, text.source_id)


def pairs_within(groups: Iterable[Iterable[str]]) -> set[Pair]:
    return {pair for group in groups for pair in itertools.combinations(sorted(group), 2)}


def true_pairs(texts: Sequence[LabelledText]) -> set[Pair]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for text in texts:
        groups[story_label(text)].append(text.doc_id)
    return pairs_within(groups.values())


def scores(predicted: set[Pair], truth: set[Pair]) -> PairScores:
    return PairScores(len(truth), len(predicted), len(predicted & truth))


def cluster_incrementally(
    texts: Sequence[LabelledText], params: StoryParams = DEFAULT_PARAMS, batch_size: int = 100, seed: int = 7
) -> dict[str, str]:
    """Story of each text, fed in a shuffled publication order, one batch per run."""
    order = list(texts)
    random.Random(seed).shuffle(order)
    candidates = [StoryCandidate(t.doc_id, t.text, t.doc_id, (i, t.doc_id), t.site) for i, t in enumerate(order)]
    index = MemoryIndex()
    for start in range(0, len(candidates), batch_size):
        batch = candidates[start : start + batch_size]
        index.add(assign_stories(batch, index.lookup, params, index.lookup_lines), batch)
    return dict(index.story_of)


def clustered_pairs(story_of: Mapping[str, str]) -> set[Pair]:
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for doc_id, story_id in story_of.items():
        groups[story_id].append(doc_id)
    return pairs_within(groups.values())


def matched_pairs(texts: Sequence[LabelledText], params: StoryParams = DEFAULT_PARAMS) -> set[Pair]:
    """Pairs the matcher accepts, one pair at a time: LSH candidates that verify."""
    entries = {t.doc_id: index_entry(StoryCandidate(t.doc_id, t.text, t.doc_id, ()), params) for t in texts}
    buckets: defaultdict[BandKey, list[str]] = defaultdict(list)
    for doc_id, (_, keys) in entries.items():
        for key in keys:
            buckets[key].append(doc_id)
    candidates = pairs_within(buckets.values())
    return {(a, b) for a, b in candidates if _pair_matches(entries[a][0], entries[b][0], params)}


def _pair_matches(first: bytes | None, second: bytes | None, params: StoryParams) -> bool:
    if first is None or second is None:
        return first is None and second is None  # short texts: they shared their exact key
    return similarity(first, second, params).matches(params)


def wrong_pairs_where(texts: Sequence[LabelledText], predicted: set[Pair], same: str) -> int:
    """Predicted pairs of different stories that share a publisher or a topic."""
    by_id = {t.doc_id: t for t in texts}
    wrong = 0
    for a, b in predicted:
        first, second = by_id[a], by_id[b]
        if story_label(first) == story_label(second):
            continue
        related = first.publisher == second.publisher if same == "publisher" else bool(first.topics & second.topics)
        wrong += related
    return wrong


@pytest.fixture(scope="module")
def texts(corpora: Path) -> list[LabelledText]:
    return labelled_set(load_sources(corpora))


@pytest.fixture(scope="module")
def story_of(texts: list[LabelledText]) -> dict[str, str]:
    return cluster_incrementally(texts)


def test_eval_set_has_hard_negatives(texts: list[LabelledText]) -> None:
    by_publisher = defaultdict(set)
    for text in texts:
        by_publisher[text.publisher].add(story_label(text))
    assert len(texts) > 2_000
    assert sum(len(stories) > 1 for stories in by_publisher.values()) >= 30


def test_clustering_meets_pair_precision_and_recall(texts: list[LabelledText], story_of: dict[str, str]) -> None:
    result = scores(clustered_pairs(story_of), true_pairs(texts))
    assert result.precision >= PRECISION_TARGET, result
    assert result.recall >= RECALL_TARGET, result


def test_pairwise_matcher_meets_targets_without_transitivity(texts: list[LabelledText]) -> None:
    result = scores(matched_pairs(texts), true_pairs(texts))
    assert result.precision >= PRECISION_TARGET, result
    assert result.recall >= RECALL_TARGET, result


def test_same_publisher_and_topic_articles_stay_apart(texts: list[LabelledText], story_of: dict[str, str]) -> None:
    predicted = clustered_pairs(story_of)
    assert wrong_pairs_where(texts, predicted, "publisher") == 0
    assert wrong_pairs_where(texts, predicted, "topic") == 0


@pytest.mark.parametrize(
    "transform", ["dateline", "byline_footer", "cut_tail", "headline", "reword", "site_boilerplate"]
)
def test_each_kind_of_copy_joins_its_original(
    texts: list[LabelledText], story_of: dict[str, str], transform: str
) -> None:
    originals = {t.source_id: t.doc_id for t in texts if not t.transforms}
    copies = [t for t in texts if t.transforms == (transform,)]
    joined = sum(story_of[c.doc_id] == story_of[originals[c.source_id]] for c in copies)
    assert joined / len(copies) >= RECALL_TARGET, f"{joined} of {len(copies)}"


def calibration_rows(texts: Sequence[LabelledText]) -> Iterable[str]:
    truth = true_pairs(texts)
    yield "| shingle | perm | bands x rows | J min | C min | pair P | pair R | cluster P | cluster R |"
    yield "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
    grid = [
        (3, 128, 32, 4),
        (3, 128, 42, 3),
        (4, 128, 42, 3),
        (5, 128, 42, 3),
        (2, 128, 42, 3),
        (3, 256, 85, 3),
    ]
    for words, perm, bands, rows in grid:
        for jaccard, containment in ((0.5, 0.6), (0.5, 0.7), (0.4, 0.6), (0.6, 0.6), (0.5, 1.01)):
            params = StoryParams(
                shingle_words=words,
                num_perm=perm,
                bands=bands,
                rows=rows,
                jaccard_min=jaccard,
                containment_min=containment,
            )
            pair = scores(matched_pairs(texts, params), truth)
            cluster = scores(clustered_pairs(cluster_incrementally(texts, params)), truth)
            yield (
                f"| {words} | {perm} | {bands} x {rows} | {jaccard} | {containment} | {pair.precision:.4f} | "
                f"{pair.recall:.4f} | {cluster.precision:.4f} | {cluster.recall:.4f} |"
            )


if __name__ == "__main__":
    from tests.conftest import SHARED_CORPORA

    labelled = labelled_set(load_sources(SHARED_CORPORA))
    print(f"{len(labelled)} texts, {len(true_pairs(labelled))} positive pairs", file=sys.stderr)
    for line in calibration_rows(labelled):
        print(line, flush=True)
