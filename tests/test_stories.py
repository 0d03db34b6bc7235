"""Story clustering: signatures, band keys, assignment, bridges and the in-memory index."""

from __future__ import annotations

import hashlib
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from datasketch import MinHash  # the reference for signature_of; the pipeline never imports it
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.stories import (
    BANDS,
    DEFAULT_PARAMS,
    EXACT_BAND,
    MIN_WORDS,
    IndexedArticle,
    StoryCandidate,
    StoryParams,
    assign_stories,
    band_keys,
    shingle_hashes,
    signature_of,
    similarity,
)
from newsflow.stories_memory import MemoryIndex
from newsflow.stories_slots import is_clock_time, page_stamp_positions, slots_of
from newsflow.text import word_tokens
from tests.storyvariants import add_byline_footer, add_dateline, cut_tail, reword

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
_WORDS = [f"w{i}" for i in range(5_000)]


def article_text(seed: int, words: int = 300) -> str:
    rng = random.Random(seed)
    chosen = [rng.choice(_WORDS) for _ in range(words)]
    return "\n".join(" ".join(chosen[i : i + 60]) for i in range(0, words, 60))


def candidate(article_id: str, text: str, minutes: int = 0) -> StoryCandidate:
    return StoryCandidate(article_id, text, f"hash-{article_id}", (T0 + timedelta(minutes=minutes), article_id))


def no_index(keys: list[tuple[int, int]]) -> list[IndexedArticle]:
    return []


def test_signature_ignores_case_punctuation_and_spacing() -> None:
    text = article_text(1)
    shouted = text.upper().replace(" ", " , ").replace("\n", "\n\n")
    assert signature_of(text) == signature_of(shouted)


def test_short_text_has_no_signature_but_one_exact_key() -> None:
    short = " ".join(_WORDS[: MIN_WORDS - 1])
    assert signature_of(short) is None
    result = assign_stories([candidate("a", short)], no_index)
    assert result.articles[0].signature is None
    assert [band for band, _ in result.articles[0].band_keys] == [EXACT_BAND]


def test_band_keys_are_unsigned_64_bit_one_per_band() -> None:
    signature = signature_of(article_text(2))
    assert signature is not None
    keys = band_keys(signature)
    assert [band for band, _ in keys] == list(range(BANDS))
    assert all(0 <= key < 2**64 for _, key in keys)


def minhash_part(signature: bytes | None, params: StoryParams) -> bytes | None:
    """The header and MinHash values of a signature, without the number slots after them."""
    return None if signature is None else signature[: 12 + 4 * params.num_perm]


def datasketch_signature(text: str, params: StoryParams) -> bytes:
    """What signature_of gave (before its number slots) when it called datasketch 2.x (affine32) itself."""
    shingles = shingle_hashes(word_tokens(text), params.shingle_words)
    minhash = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=lambda h: h, scheme="affine32")
    minhash.update_batch(shingles.tolist())
    values: bytes = minhash.hashvalues.astype("<u4").tobytes()
    header = b"NFMH" + bytes([1, params.shingle_words]) + params.num_perm.to_bytes(2, "little")
    return header + len(shingles).to_bytes(4, "little") + values


@pytest.mark.parametrize(
    "text",
    [
        " ".join(_WORDS[:MIN_WORDS]),  # the shortest text with a signature
        " ".join(["same"] * MIN_WORDS),  # one distinct shingle
        article_text(1),
        article_text(2, 20_000),
        "东京电视台报道 " * 40 + "Ünïcode façade naïve",
    ],
)
def test_signature_is_datasketchs_affine32_minhash(text: str) -> None:
    assert minhash_part(signature_of(text), StoryParams()) == datasketch_signature(text, StoryParams())


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_WORDS[:40]), min_size=MIN_WORDS, max_size=600),
    st.sampled_from([16, 64, 128, 200]),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=1, max_value=5),
)
def test_signature_is_datasketchs_minhash_for_any_words_and_parameters(
    words: list[str], num_perm: int, seed: int, shingle_words: int
) -> None:
    params = StoryParams(shingle_words=shingle_words, num_perm=num_perm, bands=num_perm // 3, seed=seed)
    assert minhash_part(signature_of(" ".join(words), params), params) == datasketch_signature(" ".join(words), params)


def test_signature_bytes_never_change() -> None:
    """Warehouses store signatures: a change here needs a rebuilt story index."""
    signature = signature_of(article_text(1))
    assert signature is not None
    # the MinHash part is what signatures stored before the number slots hold: they still compare
    assert hashlib.sha256(signature[: 12 + 4 * 128]).hexdigest() == (
        "2627bab1f6febcc652316eaf035e6e9af1b9eceee6eeb7b6c0edd5ba5f084de8")
    with_numbers = signature_of(article_text(1) + " on nov 12 at 4:30 pm, 18,512 watched")
    assert with_numbers is not None
    # 2026-12 (session 12): "at 4:30 pm" became one time slot, in one "@clock" context for every
    # time. Stored slots of clock times then meet new ones on no context (neither agree nor
    # conflict), until the window has moved past them; the MinHash part is unchanged.
    assert hashlib.sha256(with_numbers).hexdigest() == (
        "48a5028411ebd1c12c83344950cb7e9cc5301fe0c4558fe6c75586f73adc09b4")


def test_the_pipeline_imports_neither_datasketch_nor_scipy() -> None:
    """Importing datasketch loads scipy, ~55 MiB of the main process."""
    check = "import sys, newsflow.runner; print(sorted({'datasketch', 'scipy'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"


def test_signature_from_other_parameters_is_refused() -> None:
    signature = signature_of(article_text(3), StoryParams(shingle_words=4))
    assert signature is not None
    with pytest.raises(ValueError, match="rebuild the story index"):
        band_keys(signature)


def test_wire_copies_share_the_earliest_articles_story() -> None:
    paragraphs = article_text(4, 600).split("\n")
    rng = random.Random(0)
    copies = [
        add_dateline(paragraphs, rng),
        add_byline_footer(paragraphs, rng),
        reword(paragraphs, rng),
        cut_tail(paragraphs, rng),
    ]
    batch = [candidate(f"copy{i}", "\n".join(p), minutes=10 + i) for i, p in enumerate(copies)]
    batch.append(candidate("original", "\n".join(paragraphs), minutes=0))
    result = assign_stories(batch, no_index)
    assert set(result.story_ids().values()) == {"original"}


def test_different_articles_get_their_own_stories() -> None:
    batch = [candidate(f"a{i}", article_text(100 + i)) for i in range(20)]
    result = assign_stories(batch, no_index)
    assert result.story_ids() == {f"a{i}": f"a{i}" for i in range(20)}


def test_cut_copy_matches_by_containment_not_jaccard() -> None:
    full = article_text(5, 600)
    half = "\n".join(full.split("\n")[:5])
    first, second = signature_of(full), signature_of(half)
    assert first is not None and second is not None
    found = similarity(first, second)
    assert found.jaccard < 0.6 and found.containment > 0.9
    assert found.matches()


def test_small_text_inside_a_long_one_stays_apart_by_size_ratio() -> None:
    roundup = article_text(6, 1_000)
    excerpt = "\n".join(roundup.split("\n")[:2])  # 120 of 1,000 words
    first, second = signature_of(roundup), signature_of(excerpt)
    assert first is not None and second is not None
    assert not similarity(first, second).matches()


def test_new_article_joins_a_story_from_the_index_in_one_lookup() -> None:
    index = MemoryIndex()
    first = [candidate("old", article_text(7))]
    index.add(assign_stories(first, index.lookup), first)
    calls: list[int] = []

    def counting_lookup(keys: list[tuple[int, int]]) -> list[IndexedArticle]:
        calls.append(len(keys))
        return index.lookup(keys)

    copy = "\n".join(add_dateline(article_text(7).split("\n"), random.Random(1)))
    second = [candidate("new", copy, minutes=60), candidate("other", article_text(8), minutes=61)]
    result = assign_stories(second, counting_lookup)
    assert result.story_ids() == {"new": "old", "other": "other"}
    assert len(calls) == 1


def test_exact_copies_of_a_short_text_share_a_story() -> None:
    brief = "Storm warning for the coast tonight."
    batch = [candidate("a", brief), candidate("b", brief.upper() + "!", minutes=5), candidate("c", "Other news.")]
    assert assign_stories(batch, no_index).story_ids() == {"a": "a", "b": "a", "c": "c"}


def test_a_bridging_article_merges_stories_into_the_earliest() -> None:
    full = article_text(9, 600).split("\n")
    head, tail = "\n".join(full[:6]), "\n".join(full[4:])  # overlap too small to match each other
    index = MemoryIndex()
    early = [candidate("head", head, minutes=0), candidate("tail", tail, minutes=5)]
    index.add(assign_stories(early, index.lookup), early)
    assert index.story_of == {"head": "head", "tail": "tail"}
    bridge = [candidate("full", "\n".join(full), minutes=30)]
    result = assign_stories(bridge, index.lookup)
    assert result.story_ids() == {"full": "head"}
    assert [(m.story_id, m.merged_into, m.bridging_article_id) for m in result.merges] == [("tail", "head", "full")]
    index.add(result, bridge)
    assert set(index.story_of.values()) == {"head"}


def test_stored_story_id_survives_an_earlier_dated_newcomer() -> None:
    index = MemoryIndex()
    stored = [candidate("stored", article_text(10), minutes=100)]
    index.add(assign_stories(stored, index.lookup), stored)
    late_feed = [candidate("backdated", article_text(10) + "\nReporting by Jane Doe.", minutes=0)]
    assert assign_stories(late_feed, index.lookup).story_ids() == {"backdated": "stored"}


def test_batch_order_does_not_depend_on_input_order() -> None:
    base = article_text(11).split("\n")
    batch = [candidate(f"c{i}", "\n".join(reword(base, random.Random(i))), minutes=i) for i in range(6)]
    forward = assign_stories(batch, no_index).story_ids()
    backward = assign_stories(list(reversed(batch)), no_index).story_ids()
    assert forward == backward == {f"c{i}": "c0" for i in range(6)}


def test_parameters_that_need_more_permutations_are_refused() -> None:
    with pytest.raises(ValueError, match="permutations"):
        StoryParams(num_perm=64, bands=42, rows=3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=7), min_size=1, max_size=12))
def test_incremental_runs_agree_with_one_batch(picks: list[int]) -> None:
    """Feeding articles run by run gives the same stories as one batch, when no bridge occurs."""
    texts = [article_text(200 + p) for p in picks]
    batch = [candidate(f"a{i}", text, minutes=i) for i, text in enumerate(texts)]
    at_once = assign_stories(batch, no_index).story_ids()
    index = MemoryIndex()
    for one in batch:
        index.add(assign_stories([one], index.lookup), [one])
    assert index.story_of == at_once
    assert at_once == {f"a{i}": f"a{picks.index(p)}" for i, p in enumerate(picks)}


def test_clock_times_are_when_slots_and_conflict_across_am_and_pm() -> None:
    """A time of day weighs as a date (stories_slots.is_clock_time), each differing time as a date's
    two slots, with or without a shared date; "a.m." and "p.m." are part of the time, so "10:30
    a.m." and "2:15 p.m." conflict, and "4:15 a.m." and "4:15 p.m." conflict too."""
    from newsflow.stories_slots import compare_slots

    assert is_clock_time(["4", "30"], "at", "p") and is_clock_time(["14", "30"], "um", "uhr")
    assert not is_clock_time(["1", "50"], "eps", "per")  # $1.50 per share: a price
    assert not is_clock_time(["2", "1"], "won", "at")  # a score
    assert not is_clock_time(["25", "30"], "at", "p") and not is_clock_time(["²", "30"], "at", "p")
    morning = slots_of(word_tokens("strikes on Friday at approximately 10:30 a.m. against 4 sites"))
    afternoon = slots_of(word_tokens("strikes on Friday at approximately 2:15 p.m. against 4 sites"))
    compared = compare_slots(morning, afternoon)
    assert (compared.shared, compared.agreeing, compared.conflicting_dates) == (4, 2, 2)
    dated = [slots_of(word_tokens(f"strikes on Nov. 6 at approximately {t} against 4 sites"))
             for t in ("10:30 a.m.", "2:15 p.m.")]
    compared = compare_slots(*dated)
    assert (compared.shared, compared.agreeing, compared.conflicting_dates) == (6, 4, 2)
    early, late = (slots_of(word_tokens(f"at 4:15 {half} against 4 sites")) for half in ("a.m.", "p.m."))
    assert (compare_slots(early, late).conflicting, compare_slots(early, late).conflicting_dates) == (2, 2)
    assert compare_slots(late, slots_of(word_tokens("at 4:15 pm against 4 sites"))).conflicting == 0


_UPDATED_BODY = (
    "The city council voted on Monday to expand the bus network with 12 new routes across the northern districts. "
    "The plan adds 40 electric buses to the fleet by next summer, officials said, and will be paid for from the "
    "regional transport fund. Residents had asked for better links to the hospital and the university campus for "
    "years, and the mayor called the vote a turning point for the city."
)


@pytest.mark.parametrize(("first", "second"), [
    ("Updated 9:45 a.m. PT", "Updated 11:20 a.m. PT"),
    ("Updated 9:45 GMT", "Updated 11:20 GMT"),
    ("Updated Nov. 12, 2026, 9:45 a.m. PT", "Updated Nov. 13, 2026, 8:10 a.m. PT"),
    ("Last modified: 9:45 a.m.", "Last modified: 11:20 a.m."),
    ("Aktualisiert um 09:45 Uhr", "Aktualisiert um 11:20 Uhr"),
    ("Nov. 12, 2026 9:45 GMT", "Nov. 12, 2026 11:20 GMT"),
])
def test_copies_differing_only_in_their_update_time_are_one_story(first: str, second: str) -> None:
    """Regression (review of analyst11): a differing clock time made two conflicting slots (before
    and after it), weighed as a date, and refused the match. The page's own stamp (after
    "Updated", "Last modified", "Aktualisiert"..., or a stamp line opening the text) is no slot."""
    one, other = signature_of(f"{first}\n{_UPDATED_BODY}"), signature_of(f"{second}\n{_UPDATED_BODY}")
    assert one is not None and other is not None
    assert similarity(one, other).matches(DEFAULT_PARAMS)


def test_a_price_a_share_is_no_time_of_day() -> None:
    """Regression (review of analyst11): "a" after "$2.45" read as "a.m."."""
    assert not is_clock_time(["2", "45"], "", "a", "share")
    assert is_clock_time(["2", "45"], "", "a", "m")
    assert is_clock_time(["9", "45"], "", "gmt", "")


def test_only_the_pages_stamp_leaves_the_slots() -> None:
    """A stamp's date and time are metadata; the story's own times and counts stay slots, also
    after a stamp word used in a sentence ("posted 12 percent") or in an opening clause ("On Nov. 6,
    at approximately 4:30 p.m.", the time of a CENTCOM statement)."""
    def stamped(text: str) -> list[str]:
        tokens = word_tokens(text)
        return [tokens[i] for i in sorted(page_stamp_positions(tokens))]

    assert stamped("Updated 9:45 a.m. PT\nForces struck at 4:30 p.m. on Nov. 6") == ["9", "45"]
    assert stamped("Mis à jour le 12 novembre 2026 à 9 h 45\nLa ville a voté") == ["12", "2026", "9", "45"]
    assert stamped("Nov. 12, 2026 9:45 GMT\nThe council voted") == ["12", "2026", "9", "45"]
    assert stamped("On Nov. 6, at approximately 4:30 p.m. (Syria time), forces struck") == []
    assert stamped("TAMPA, Fla. - On Nov. 6, at 4:30 p.m., forces struck") == []
    assert stamped("the company posted 12 percent growth and 40 new stores") == []
    story, with_stamp = (slots_of(word_tokens(f"{head}forces struck at 4:30 p.m. against 4 sites"))
                         for head in ("", "Posted 9:45 GMT\n"))
    assert story.tolist() == with_stamp.tolist()
