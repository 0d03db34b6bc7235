"""Property tests over generated syndication worlds (tests/storyworlds.py): copies are one story,
texts of one template reporting different events are not, whatever the order of arrival and
however the texts fall into runs."""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow.stories import StoryCandidate, assign_stories
from newsflow.stories_memory import MemoryIndex
from tests.storyworlds import WorldText, cluster, evaluate, transforms_of, world

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def wire_dates(texts: list[WorldText]) -> dict[str, date]:
    return {t.story: t.arrived.date() for t in texts if t.doc_id.endswith("/wire")}


@settings(max_examples=40, deadline=None)
@given(seeds, seeds)
@example(world_seed=3516, order_seed=0)  # centcom2 (Nov. 3) and centcom4 (Nov. 6) at one time of day merged:
# the agreeing time weighed as a date's two slots and outweighed the conflicting date
def test_template_stories_of_different_days_never_share_a_story(world_seed: int, order_seed: int) -> None:
    """CENTCOM statements a day apart, football results, earnings: their words agree, their numbers
    do not (before the number slots, 88% of CENTCOM pairs the clustering made were of two statements)."""
    texts = world(world_seed, stories_per_family=6, families=("centcom", "football", "earnings"))
    story_of = cluster(texts, order_seed)
    day = wire_dates(texts)
    stories_in: defaultdict[str, set[str]] = defaultdict(set)
    for text in texts:
        stories_in[story_of[text.doc_id]].add(text.story)
    for labels in stories_in.values():
        assert len({day[label] for label in labels}) == 1, f"statements of different days merged: {labels}"
        assert len({label.rstrip("0123456789") for label in labels}) == 1, labels


@settings(max_examples=40, deadline=None)
@given(seeds, seeds)
def test_copies_join_their_wire_original_in_any_order(world_seed: int, order_seed: int) -> None:
    """Datelines, head and tail furniture, light edits: each copy is in its wire story, fed in any
    order, in runs of any size. (Cuts and updates lower the similarity to where LSH misses a pair
    now and then: their recall is measured, in test_worlds_meet_the_precision_and_recall_the_docs_give.)"""
    texts = world(world_seed, stories_per_family=5)
    story_of = cluster(texts, order_seed)
    for text in texts:
        if not {"cut", "update"} & transforms_of(text):
            assert story_of[text.doc_id] == story_of[f"{text.story}/wire"], text.doc_id


@settings(max_examples=15, deadline=None)
@given(seeds)
def test_one_run_and_many_runs_make_the_same_pairs_when_nothing_bridges(world_seed: int) -> None:
    texts = [t for t in world(world_seed, stories_per_family=4) if not {"cut", "update"} & transforms_of(t)]
    at_once = cluster(texts, 0, batch_sizes=(len(texts),))
    one_by_one = cluster(texts, 0, batch_sizes=(1,))
    assert stories_as_sets(at_once) == stories_as_sets(one_by_one)


def stories_as_sets(story_of: dict[str, str]) -> list[list[str]]:
    members: defaultdict[str, list[str]] = defaultdict(list)
    for doc_id, story_id in sorted(story_of.items()):
        members[story_id].append(doc_id)
    return sorted(members.values())


def test_worlds_meet_the_precision_and_recall_the_docs_give() -> None:
    """docs/stories.md, "Syndication worlds": 10 worlds, pair precision and recall per family."""
    scores = evaluate(range(10))
    for family in ("football", "earnings", "wire"):
        assert scores[family].precision == 1.0, family
    assert scores["centcom"].precision >= 0.9  # the false pairs are statements of the same day
    assert scores["wire"].recall >= 0.97 and scores["earnings"].recall >= 0.9


def test_a_copy_arriving_before_its_original_still_joins_it() -> None:
    texts = world(3, stories_per_family=2, families=("centcom",))
    late_original = sorted(texts, key=lambda t: not t.doc_id.endswith("/wire"), reverse=True)
    index = MemoryIndex()
    for text in late_original:
        batch = [StoryCandidate(text.doc_id, text.text, text.doc_id, (text.arrived, text.doc_id))]
        index.add(assign_stories(batch, index.lookup), batch)
    for text in texts:
        if not {"cut", "update"} & transforms_of(text):
            assert index.story_of[text.doc_id] == index.story_of[f"{text.story}/wire"]


def clock_times(texts: list[WorldText]) -> dict[str, frozenset[str]]:
    """Each CENTCOM statement's clock times, from its wire text ("at approximately 4:30 p.m.")."""
    return {text.story: frozenset(re.findall(r"approximately (\d+:\d+ [ap]\.m\.)", text.text))
            for text in texts if text.doc_id.endswith("/wire")}


@settings(max_examples=40, deadline=None)
@given(seeds, seeds)
@example(world_seed=3516, order_seed=0)
@example(world_seed=25, order_seed=0)  # centcom2 (8:45 p.m.) merged with centcom3 (10:30 p.m.) while times
# weighed as dates only beside a shared date (the fix for update stamps that page_stamp_positions replaced)
def test_statements_of_one_day_at_different_times_never_share_a_story(world_seed: int, order_seed: int) -> None:
    """Two CENTCOM statements of the same day differ in their times of day: a clock time ("at 4:30
    p.m.") weighs as a date does. Before, same-day statements whose count happened to match merged
    (474 false pairs in 200 template worlds; 51 left). Times conflict unless one statement's times
    are all among the other's (as a copy cut short has fewer), so those may still merge."""
    texts = world(world_seed, stories_per_family=8, families=("centcom",))
    story_of = cluster(texts, order_seed)
    times, day = clock_times(texts), wire_dates(texts)
    stories_in: defaultdict[str, set[str]] = defaultdict(set)
    for text in texts:
        stories_in[story_of[text.doc_id]].add(text.story)
    for labels in stories_in.values():
        for first, second in itertools.combinations(sorted(labels), 2):
            assert day[first] == day[second], f"statements of different days merged: {labels}"
            assert times[first] <= times[second] or times[second] <= times[first], (
                f"statements at different times merged: {first} {sorted(times[first])}, "
                f"{second} {sorted(times[second])}")


STATEMENT = (
    "TAMPA, Fla. \u2013 On Nov. 6, at approximately {time} (Syria time), U.S. Central Command (CENTCOM) forces "
    "conducted self-defense strikes against 12 coastal defence cruise missiles and {targets} in al-Qaeda "
    "affiliated fighters-controlled areas near Raqqa, Syria.\n"
    "U.S. forces identified the coastal defence cruise missiles and determined they presented an imminent threat "
    "to U.S. Navy ships and merchant vessels in the Red Sea. These actions will protect freedom of navigation and "
    "make international waters safer and more secure for U.S. Navy and merchant vessels.\n"
    "There were no injuries or damage reported by U.S. or coalition ships. CENTCOM remains committed to deterring "
    "aggression and will continue to take action as necessary to protect U.S. personnel and partner forces in the "
    "region."
)


def test_same_day_statements_with_the_same_count_at_other_times_are_two_stories() -> None:
    """The shrunk shape of the property's failures before clock times weighed as dates: one day, one
    count, the words nearly the same, only the time (and a target) differing. A copy of each, with
    "pm" for "p.m.", still joins its own statement."""
    texts = {
        "morning": STATEMENT.format(time="4:15 a.m.", targets="anti-ship cruise missiles"),
        "evening": STATEMENT.format(time="4:15 p.m.", targets="mobile radar sites"),
        "afternoon": STATEMENT.format(time="2:45 p.m.", targets="drone launch sites"),
        "afternoon copy": "DUBAI (Reuters) - " + STATEMENT.format(time="2:45 pm", targets="drone launch sites"),
    }
    index = MemoryIndex()
    for n, (name, text) in enumerate(texts.items()):
        candidate = StoryCandidate(name, text, name, (n, name))
        index.add(assign_stories([candidate], index.lookup), [candidate])
    story = index.story_of
    assert len({story["morning"], story["evening"], story["afternoon"]}) == 3
    assert story["afternoon copy"] == story["afternoon"]
