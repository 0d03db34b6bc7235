"""A story trafilatura cut short after its first container, completed from readability-lxml's
extraction (`newsflow.completion`)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.completion import Block, complete_story, story_blocks
from newsflow.extract import extract_article, page_tree
from newsflow.text import normalize_text

PAGES = Path(__file__).parent / "fixtures" / "pages"

START = (
    "The swing bridge across the inner harbour will close to all traffic from May, the port authority said.",
    "The bridge carries about eighteen thousand vehicles a day between the old town and the ferry terminal.",
    "Engineers first noticed rust on the cable housings during a routine inspection in the autumn last year.",
)
REST = (
    "The authority will run a small passenger ferry across the harbour every fifteen minutes during the day.",
    "Cyclists will be allowed on the ferry free of charge, and the timetable will be reviewed after a month.",
)
BOX = "Subscribers can read every story of the week in the evening edition, delivered to their phone at six."
TEASERS = "Ferry fares to rise in the spring Market square to get new lighting Port strike ends after talks"


def _blocks(*texts: str, links: frozenset[str] = frozenset()) -> list[Block]:
    return [Block(text, "p", 1.0 if text in links else 0.0) for text in texts]


def test_extract_article_completes_a_story_trafilatura_cut_after_its_first_container() -> None:
    # trafilatura takes the first `div.article-body`; the rest is in a `section` after a video
    html = (PAGES / "harbour-bridge-split-story.html").read_text(encoding="utf-8")
    article = extract_article(html, "https://harbourgazette.example/news/2026/bridge-repairs")
    assert article is not None
    lines = article.text.split("\n")
    assert lines[0].startswith("The swing bridge across the inner harbour")
    assert lines[5].startswith("The owner of a bakery beside the bridge")  # the first container's last
    assert lines[6] == "A ferry for pedestrians"  # the heading above the rest goes with it
    assert lines[7].startswith("The authority will run a small passenger ferry")
    assert lines[-1].startswith("A public meeting about the detours")
    assert len(lines) == 11
    assert "More from the Gazette" not in article.text and "Ferry fares" not in article.text


def test_the_rest_of_the_story_goes_after_the_text_s_last_line() -> None:
    text = "\n".join(START)
    assert complete_story(text, _blocks(*START, *REST)) == "\n".join([*START, *REST])


def test_a_heading_right_above_the_rest_goes_with_it() -> None:
    blocks = [*_blocks(*START), Block("A ferry for pedestrians", "h2", 0.0), *_blocks(*REST)]
    assert complete_story("\n".join(START), blocks).split("\n")[3] == "A ferry for pedestrians"


def test_lines_readability_lacks_stay_where_they_are() -> None:
    text = "\n".join(["Photo: Harbour Gazette", *START])
    assert complete_story(text, _blocks(*START, *REST)).split("\n") == ["Photo: Harbour Gazette", *START, *REST]


def test_nothing_is_added_when_readability_took_another_container() -> None:
    other = tuple(f"{line} It was reported in another town, far from the sea, by another paper." for line in REST)
    assert complete_story("\n".join(START), _blocks(REST[0], *other, START[0])) == "\n".join(START)


def test_nothing_is_added_when_the_missing_prose_is_under_a_third_of_the_text() -> None:
    text = "\n".join([*START, REST[0]])
    assert complete_story(text, _blocks(*START, *REST)) == text


def test_paragraphs_between_two_the_text_has_stay_out() -> None:
    text = "\n".join(START)
    assert complete_story(text, _blocks(START[0], *REST, START[1], START[2])) == text


def test_linked_teasers_after_the_story_stay_out() -> None:
    text = "\n".join(START)
    teasers = (TEASERS, f"{TEASERS} and more", f"More: {TEASERS}")
    assert complete_story(text, _blocks(*START, *teasers, links=frozenset(teasers))) == text


def test_a_block_holding_the_whole_story_again_is_not_added() -> None:
    text = "\n".join(START)
    assert complete_story(text, _blocks(*START, " ".join([*START, BOX]))) == text


def test_story_blocks_measure_the_share_of_each_block_in_links() -> None:
    summary = page_tree(
        "<html><body><div><p>A sentence of the story with no link in it at all.</p>"
        "<p><a href='/a'>Linked headline</a> and a few words.</p><h2>Subhead</h2></div></body></html>"
    )
    blocks = story_blocks(summary)
    assert [(block.tag, round(block.link_share, 2)) for block in blocks] == [("p", 0.0), ("p", 0.47), ("h2", 0.0)]
    assert story_blocks(None) == []


@settings(max_examples=80, deadline=None)
@given(
    paragraphs=st.lists(st.sampled_from([*START, *REST, BOX, "", "Short line."]), max_size=8),
    kept=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_completed_text_is_normal_keeps_the_text_s_lines_in_order_and_is_idempotent(
    paragraphs: list[str], kept: list[bool]
) -> None:
    blocks = _blocks(*paragraphs)
    text = normalize_text("\n".join(p for p, keep in zip(paragraphs, kept, strict=False) if keep))
    result = complete_story(text, blocks)
    assert result == normalize_text(result)
    assert set(result.split("\n")) <= set(text.split("\n")) | set(paragraphs)
    remaining = iter(result.split("\n"))
    assert all(line in remaining for line in text.split("\n"))
    assert complete_story(result, blocks) == result


def test_the_start_of_the_story_goes_before_the_text_s_first_shared_line() -> None:
    text = "\n".join(["Photo: Harbour Gazette", *REST])
    completed = complete_story(text, _blocks(*START, *REST))
    assert completed.split("\n") == ["Photo: Harbour Gazette", *START, *REST]


QUOTED = "In a statement on Friday evening, the port authority said:"
SAID = "We will keep the harbour open to pedestrians for as long as the repairs take, whatever the weather."
RELATED = ("- Ferry fares", "- New lights")
BEFORE = (*START, "Shops along the quay fear that fewer people will walk past their windows while the bridge "
          "stays closed to traffic.", "The council has asked the port authority to publish a weekly report on "
          "the progress of the repairs and the ferry.")
LONG_REST = (*REST, "A public meeting about the detours for buses and delivery vans will be held at the town hall in "
             "April.", "The repairs are expected to cost about four million euros, most of it paid from the port's "
             "own reserves.")


def test_a_colon_line_over_a_quote_does_not_move_the_rest_past_a_later_link_list() -> None:
    """A story line ending in a colon (a quote's intro, answered by the quote below it) near the last shared line, and
    a list trafilatura kept at its container's end under its own label: the rest goes after the last shared line, not
    after that list (review of the thirty-eighth pass: `_past_announced_list` took the first list anywhere after it)."""
    text = "\n".join([*BEFORE, QUOTED, SAID, "More from us:", *RELATED])
    lines = complete_story(text, _blocks(*BEFORE, QUOTED, SAID, *LONG_REST)).split("\n")
    at = lines.index(SAID) + 1
    assert lines[at:at + len(LONG_REST)] == list(LONG_REST)


def test_a_lead_in_does_not_take_a_list_far_below_the_last_shared_line() -> None:
    """A lead-in line's list is right under it (past a box's few lines): a list many lines below the last shared line,
    after other lines trafilatura kept, is not the lead-in's, and the rest goes after the last shared line."""
    lead_in = "The ferry will stop at these piers:"
    boxed = ["Newsletter", "Sign up", "Follow us", "Contact"]
    text = "\n".join([*BEFORE, lead_in, *boxed, *RELATED])
    lines = complete_story(text, _blocks(*BEFORE, lead_in, *LONG_REST)).split("\n")
    at = lines.index(lead_in) + 1
    assert lines[at:at + len(LONG_REST)] == list(LONG_REST)


def test_the_rest_goes_after_the_list_under_a_lead_in_past_a_box() -> None:
    """The thirty-eighth pass's case, exact: a lead-in, a box's line readability shares, the lead-in's list of short
    items readability leaves out; the rest goes after the list."""
    places = ["- Leeds", "- York", "- Hull"]
    text = "\n".join([*BEFORE, "The ferry will stop at these piers:", "Related stories", BOX, *places])
    lines = complete_story(text, _blocks(*BEFORE, "The ferry will stop at these piers:", BOX, *LONG_REST)).split("\n")
    assert lines[-4:] == list(LONG_REST) and lines[-7:-4] == places
