"""Hostile syndication families (tests/storyhostile.py): excerpts, digests, live blogs, statements of
one day, shared disclaimers, reruns of a developing story. A digest quoting the heads of several
stories bridges none of them; a text inside two others still bridges them (docs/stories.md, "Hostile worlds")."""

from __future__ import annotations

import argparse
import itertools
import random
from dataclasses import replace
from pathlib import Path

from bench import boilerplate_trial, synth
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow import pipeline, warehouse
from newsflow.stories import StoryCandidate, assign_stories, signature_of, similarity
from newsflow.stories_memory import MemoryIndex
from newsflow.warehouse import Warehouse, run_read_query
from tests.storyhostile import disclaimer_world, evaluate_hostile, rerun_world
from tests.storyworlds import T0, WorldText, cluster, pair_scores

_WORDS = [f"w{i}" for i in range(5_000)]


def paragraphs(seed: int, count: int = 5, words: int = 60) -> list[str]:
    rng = random.Random(f"hostile-test:{seed}")
    return [" ".join(rng.choice(_WORDS) for _ in range(words)) for _ in range(count)]


def feed(index: MemoryIndex, doc_id: str, text: str, minute: int) -> None:
    batch = [StoryCandidate(doc_id, text, doc_id, (minute, doc_id))]
    index.add(assign_stories(batch, index.lookup), batch)


def test_a_digest_quoting_the_heads_of_three_stories_merges_none_of_them() -> None:
    stories = {name: paragraphs(n) for n, name in enumerate("abc")}
    index = MemoryIndex()
    for minute, (name, body) in enumerate(stories.items()):
        feed(index, name, "\n".join(body), minute)
        feed(index, f"{name} excerpt", "\n".join([*body[:2], "Read the full story at example.com"]), 10 + minute)
    digest = "\n".join(p for body in stories.values() for p in body[:2])
    excerpt, whole = signature_of("\n".join(stories["a"][:2])), signature_of(digest)
    assert excerpt is not None and whole is not None
    found = similarity(excerpt, whole)
    assert found.containment > 0.9 and found.jaccard < 0.5 and found.matches()  # each excerpt is inside it
    feed(index, "digest", digest, 60)
    story = index.story_of
    assert len({story["a"], story["b"], story["c"]}) == 3, story
    assert story["a excerpt"] == story["a"] and story["b excerpt"] == story["b"]


def test_an_excerpt_inside_its_story_and_a_digest_joins_the_story_it_was_taken_from() -> None:
    """The excerpt also bridges the digest in (a text inside two others is not told from the lede
    inside the wire text and inside an outlet's longer copy: see the test below); the story keeps its id."""
    stories = [paragraphs(10 + n) for n in range(3)]
    index = MemoryIndex()
    feed(index, "story", "\n".join(stories[0]), 0)
    feed(index, "digest", "\n".join(p for body in stories for p in body[:2]), 60)
    assert index.story_of["digest"] != index.story_of["story"]
    feed(index, "excerpt", "\n".join([*stories[0][:2], "Read the full story at example.com"]), 90)
    assert index.story_of["story"] == index.story_of["excerpt"] == "story"


def test_nested_containment_still_bridges_a_cut_copy_and_an_update() -> None:
    """A cut copy inside the article and the article inside an update are one story's texts."""
    body = paragraphs(20, count=6)
    update = [*paragraphs(21, count=5), *body, *paragraphs(22, count=5)]
    index = MemoryIndex()
    feed(index, "cut", "\n".join(body[:2]), 0)
    feed(index, "update", "\n".join(update), 5)
    assert index.story_of["cut"] != index.story_of["update"]  # too unlike each other to match
    full, cut, whole = (signature_of("\n".join(p)) for p in (body, body[:2], update))
    assert full is not None and cut is not None and whole is not None
    assert similarity(cut, full).jaccard < 0.5 and similarity(full, whole).jaccard < 0.5  # containment only
    feed(index, "full", "\n".join(body), 10)
    assert index.story_of["full"] == index.story_of["cut"] == index.story_of["update"]


def test_hostile_worlds_meet_the_precision_and_recall_the_docs_give() -> None:
    """docs/stories.md, "Hostile worlds": 6 worlds per family. Copies never join another story;
    digests bridge fewer stories (0.52 before). Statements of one day about other places and stories
    sharing a long disclaimer still merge: the open limits the docs give, not asserted here."""
    scores = evaluate_hostile(range(6), families=("excerpt", "reorder", "foreign", "liveblog", "roundup"))
    for family in ("excerpt", "reorder", "foreign", "liveblog"):
        assert scores[family].precision == 1.0, family
    assert scores["excerpt"].recall >= 0.85 and scores["reorder"].recall >= 0.95 and scores["foreign"].recall >= 0.93
    assert scores["roundup"].precision >= 0.55


def test_the_versions_of_a_rerun_story_and_their_copies_are_one_story_in_any_order() -> None:
    """Three versions at the agency's site, each a new lede over the same rest, and copies elsewhere:
    one story whatever arrives first, though the first two versions, without the rest they share,
    are as unlike each other as two stories ending in one disclaimer (docs/stories.md, "Story 20")."""
    texts = [t for t in rerun_world(0) if t.story == "rerun0"]
    assert len(texts) == 5 and len({t.site for t in texts}) == 3
    for order in itertools.permutations(texts):
        index = MemoryIndex()
        for minute, text in enumerate(order):
            batch = [StoryCandidate(text.doc_id, text.text, text.doc_id, (minute, text.doc_id), text.site)]
            index.add(assign_stories(batch, index.lookup, line_lookup=index.lookup_lines), batch)
        assert len(set(index.story_of.values())) == 1, [t.doc_id for t in order]


def test_rerun_worlds_keep_every_version_and_copy_in_its_story() -> None:
    """6 rerun worlds (558 true pairs): precision and recall 1.0 as shipped (20 worlds: 1,938 pairs, 1.0 / 1.0)."""
    scores = evaluate_hostile(range(6), families=("rerun",))["rerun"]
    assert scores.true_pairs == 558
    assert scores.precision == 1.0 and scores.recall == 1.0, (scores.false_pairs[:3], scores.missed_pairs[:3])


def _stripped_by_trial(texts: list[WorldText], seed: int, span_hours: float) -> list[WorldText]:
    """`bench.boilerplate_trial`'s rule (story20): a long line dropped when it ends the text and earlier texts of
    two unrelated groups that end with it too, whose times span `span_hours` with the text's."""
    rule = argparse.Namespace(jaccard=0.1, containment=0.2, group_min=1, resign=False, tail=True, span_hours=span_hours)
    return boilerplate_trial.strip(texts, seed, rule)


def test_the_rerun_guard_catches_a_rule_that_takes_a_reruns_body_for_a_standard_block() -> None:
    """Without the times, the trial's rule drops the body the versions share (docs/stories.md, "Story 20"):
    the rerun worlds' recall falls, which the guard above would catch. Asking the carriers to span 24 hours
    leaves every rerun text whole, and still finds the disclaimer."""
    texts = rerun_world(0)
    stripped = _stripped_by_trial(texts, 0, span_hours=0)
    assert pair_scores(stripped, cluster(stripped, 0)).recall < 0.9
    assert _stripped_by_trial(texts, 0, span_hours=24) == texts
    disclaimer = disclaimer_world(0)
    assert any(t.text.count("\n") < d.text.count("\n")
               for t, d in zip(_stripped_by_trial(disclaimer, 0, span_hours=24), disclaimer, strict=True))


def test_a_digest_loaded_into_the_warehouse_merges_no_stories(tmp_path: Path) -> None:
    """Through pipeline.load_batch into a real DuckDB file, in three runs: the digest's matches
    come back from `story_bands` with their stories' start times, and no `story_merges` row is written."""
    stories = [paragraphs(30 + n) for n in range(3)]
    texts = [*("\n".join(body) for body in stories), *("\n".join(body[:2]) for body in stories),
             "\n".join(p for body in stories for p in body[:2])]
    store = Warehouse(tmp_path / "news.duckdb")
    articles, _, _ = synth.article_batch(len(texts), "digest")
    articles = [replace(a, text=text, published_at=T0.replace(hour=n), content_hash=f"h{n}")
                for n, (a, text) in enumerate(zip(articles, texts, strict=True))]
    with store.writing() as con, warehouse.transaction(con):
        synth.insert_entries_for(con, articles, "digest")
    for run in (articles[:3], articles[3:6], articles[6:]):  # the stories, their excerpts, the digest
        assert pipeline.load_batch(store, "digest", *synth.stage_inputs(run)).articles_stored == len(run)
    story_of = dict(run_read_query(store, "SELECT article_id, story_id FROM articles").rows)
    ids = [story_of[a.article_id] for a in articles]
    assert len(set(ids[:3])) == 3 and ids[3:6] == ids[:3], ids
    assert run_read_query(store, "SELECT count(*) FROM story_merges").rows == [(0,)]


def test_a_short_copy_inside_two_copies_of_its_story_joins_them_in_any_order() -> None:
    """A copy with the lede and its outlet's own paragraphs, the wire text, and a shorter copy of the
    lede inside both: the outlet's copy and the wire text hold different rests, so they do not match
    each other, and only the short copy joins them. Refusing that bridge split the story, or not, by
    the order of arrival (a text inside two others is ambiguous; a text holding two is a digest)."""
    body = paragraphs(40, count=5)
    texts = {"outlet": "\n".join([*body[:2], *paragraphs(41, count=3)]), "wire": "\n".join(body),
             "short": "\n".join([*body[:2], *paragraphs(42, count=1, words=20)])}
    sig = {name: signature_of(text) for name, text in texts.items()}
    assert sig["outlet"] is not None and sig["wire"] is not None and sig["short"] is not None
    assert not similarity(sig["outlet"], sig["wire"]).matches()
    for other in ("outlet", "wire"):
        found = similarity(sig["short"], sig[other])
        assert found.matches() and found.jaccard < 0.5, other  # containment only
    for order in (("outlet", "wire", "short"), ("wire", "short", "outlet"), ("short", "outlet", "wire")):
        index = MemoryIndex()
        for minute, name in enumerate(order):
            feed(index, name, texts[name], minute)
        assert len(set(index.story_of.values())) == 1, (order, index.story_of)



def cut_copies(seed: int) -> list[tuple[str, str]]:
    """One wire text of 4-8 paragraphs and 4-8 copies: each its first 2 or more paragraphs, and 0-2
    paragraphs of the outlet's own before or after them."""
    rng = random.Random(f"cut-copies:{seed}")
    body = [paragraphs(seed * 100 + n, 1, rng.randint(40, 90))[0] for n in range(rng.randint(4, 8))]
    texts = [("wire", "\n".join(body))]
    for copy in range(rng.randint(4, 8)):
        own = [paragraphs(seed * 100 + 50 + copy * 3 + n, 1, rng.randint(10, 80))[0] for n in range(rng.randint(0, 2))]
        kept = body[: rng.randint(2, len(body))]
        parts = [*own[:1], *kept, *own[1:]] if rng.random() < 0.5 else [*kept, *own]
        texts.append((f"copy{copy}", "\n".join(parts)))
    return texts


def partition(texts: list[tuple[str, str]], order_seed: int, run_sizes: tuple[int, ...]) -> set[frozenset[str]]:
    """The stories as sets of texts, the texts fed in a shuffled order in runs of the given sizes."""
    rng = random.Random(f"cut-order:{order_seed}")
    pending = rng.sample(texts, len(texts))
    minute = {doc_id: n for n, (doc_id, _) in enumerate(pending)}
    index = MemoryIndex()
    while pending:
        size = rng.choice(run_sizes)
        batch = [StoryCandidate(doc_id, text, doc_id, (minute[doc_id], doc_id)) for doc_id, text in pending[:size]]
        pending = pending[size:]
        index.add(assign_stories(batch, index.lookup), batch)
    stories: dict[str, set[str]] = {}
    for doc_id, story in index.story_of.items():
        stories.setdefault(story, set()).add(doc_id)
    return {frozenset(members) for members in stories.values()}


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1))
@example(world_seed=18, order_seed=0)  # a short copy inside the wire text and a longer copy: split by order
@example(world_seed=132, order_seed=0)  # a copy holding two copies of the lede, each with its own paragraph
def test_copies_cut_at_any_length_with_their_own_paragraphs_make_the_same_stories_in_any_order(
    world_seed: int, order_seed: int,
) -> None:
    """Which copies are one story does not depend on the order they arrive in or the runs they fall in."""
    texts = cut_copies(world_seed)
    assert partition(texts, order_seed, (1, 2, 3, 20)) == partition(texts, order_seed + 1, (1,))
