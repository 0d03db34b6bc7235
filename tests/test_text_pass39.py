"""The thirty-ninth text pass (docs/extraction.md, "Thirty-ninth pass, text"): a split story's summary box that left
its last point alone at the text's top, and an embedded social post's platform links, on generated pages and on
hand-made texts and trees (none copied from a site)."""

from __future__ import annotations

from collections.abc import Callable
from time import process_time

import lxml.html
import pytest

from newsflow.socialembeds import drop_embed_chrome
from newsflow.summarybox import drop_summary_box
from tests.test_text_rules_combined import (
    kept_furniture,
    promised_lines,
    repeated_or_reordered,
    repeated_parts,
    stored_text,
    story_faults,
)
from tests.textpagewords import SOCIAL_PLATFORMS
from tests.textpageworld import LANGS, TextPage, paragraphs, social_platform, social_post

POINTS = (
    "The ferry is back on the bay after two years of repairs to its engines and hull.",
    "The council expects nine hundred passengers a day in the summer.",
    "Fares and season tickets stay as they were before the repairs.",
)
STORY = (
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board for the trip.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
)


def _tree(box_class: str, *, story_inside: bool = False, items: tuple[str, ...] = POINTS) -> object:
    listed = "".join(f"<li>{item}</li>" for item in items)
    story = "".join(f"<p>{line}</p>" for line in STORY)
    box = f"<div class='{box_class}'><h2>In short</h2><ul>{listed}</ul>{story if story_inside else ''}</div>"
    return lxml.html.fromstring(f"<html><body><article><h1>Ferry</h1>{box}"
                                f"<div class='body'>{'' if story_inside else story}</div></article></body></html>")


@pytest.mark.parametrize("lang", LANGS)
def test_a_split_storys_summary_box_leaves_no_point(lang: str) -> None:
    """The thirty-eighth pass's strict xfail (found by the CI profile's draws, shrunk by hand): a story split over two
    containers under a box the page marks as a summary, a table of contents between them. trafilatura's text opened
    with the box's last point alone, no label over it, so the labelled box's rule did not see a box (de, fr, es, it,
    nl on main's code; en passed there). The point goes, and every paragraph stays, once, in order (the subhead is the
    split limit's: docs/extraction.md, twenty-eighth pass, text)."""
    page = TextPage(lang=lang, sizes=(2, 1, 3), subheads=(1,), layout="split",
                    furniture=("contents", "menu", "breadcrumbs", "share", "summary"))
    text = stored_text(page)
    assert kept_furniture(page, text) == []
    assert story_faults(page, text, paragraphs(page)) == [] and repeated_or_reordered(page, text) == []


@pytest.mark.parametrize("first", [POINTS[2], f"- {POINTS[2]}"])
def test_a_lone_point_of_a_marked_box_at_the_top_goes(first: str) -> None:
    """A first line that is one list item's whole text in a box marked as a summary goes, written as a line or as an
    item."""
    text = "\n".join((first, *STORY))
    assert drop_summary_box(text, _tree("article-summary")) == "\n".join(STORY)


def test_two_points_without_their_label_go_under_a_standfirst() -> None:
    """A run of the box's points, below a standfirst, the label lost: every point of the run goes, the standfirst
    stays."""
    standfirst = "The island's crossing is open again, two years late."
    text = "\n".join((standfirst, POINTS[1], POINTS[2], *STORY))
    assert drop_summary_box(text, _tree("story-summary-box")) == "\n".join((standfirst, *STORY))


def test_a_point_in_a_list_the_page_does_not_mark_stays() -> None:
    """The story's own list, in a box no class or id calls a summary: its item is the story's line."""
    text = "\n".join((POINTS[2], *STORY))
    assert drop_summary_box(text, _tree("key-facts")) == text


def test_a_marked_container_that_holds_the_story_is_no_box_above_it() -> None:
    """A template that classes the story's whole body as a summary ("entry-summary"), a list at its top: the item and
    the story's first line are in one marked element, so the item is the story's."""
    text = "\n".join((POINTS[2], *STORY))
    assert drop_summary_box(text, _tree("entry-summary", story_inside=True)) == text


def test_a_marked_box_of_one_item_is_a_standfirst_not_a_summary() -> None:
    """A standfirst printed as the one item of a list classed "summary": a box of one point is no summary of points,
    and stays."""
    text = "\n".join((POINTS[2], *STORY))
    assert drop_summary_box(text, _tree("summary", items=(POINTS[2],))) == text


def test_a_line_holding_more_than_a_point_stays() -> None:
    """A story line that holds a point's words and more is not the point's whole text: it stays."""
    text = "\n".join((f"{POINTS[2]} The council will decide in May.", *STORY))
    assert drop_summary_box(text, _tree("article-summary")) == text


def test_a_text_of_points_only_is_a_brief() -> None:
    """Points and nothing under them: the list is the text (a brief), not a box above a story."""
    text = "\n".join(POINTS[1:])
    assert drop_summary_box(text, _tree("article-summary")) == text


def test_every_point_of_a_marked_box_without_its_label_stays() -> None:
    """All the box's points under the standfirst, its label lost: the story's own bullets, which the references keep
    (fundus's Business Insider "summary-list" and Tages-Anzeiger "SummaryList" pages, report half, read when the
    first form of this pass's rule dropped them)."""
    standfirst = "The island's crossing is open again, two years late."
    text = "\n".join((standfirst, *(f"- {point}" for point in POINTS), *STORY))
    assert drop_summary_box(text, _tree("article-summary")) == text


def test_points_stay_when_another_point_of_the_box_is_in_the_text() -> None:
    """The box's last two points at the top and its first further down (or written so the first line did not match):
    the box came whole, so no point goes (Business Insider's page, the first form: its first point kept, two cut)."""
    text = "\n".join((POINTS[1], POINTS[2], STORY[0], POINTS[0], STORY[1]))
    assert drop_summary_box(text, _tree("article-summary")) == text


# --- an embedded social post's platform links -------------------------------------------------------------------

def _social_page(lang: str, platform: int, sizes: tuple[int, ...], layout: str = "article",
                 hashed: bool = False) -> TextPage:
    """A page whose one part is an embedded post of SOCIAL_PLATFORMS[platform] (the variant picks it, apart from its
    two forms), bare in the story."""
    return TextPage(lang=lang, sizes=sizes, variant=10 + 2 * platform, layout=layout, hashed=hashed,
                    furniture=("social",))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("layout", ["article", "split"])
def test_a_mastodon_embeds_links_are_no_line_of_the_story(lang: str, layout: str) -> None:
    """Mastodon's embed code is a `<blockquote>` round a link of the author's handle and "View on Mastodon" (the
    post's words come only from its script): trafilatura kept the link as one glued line ("…@social.exampleView on
    Mastodon"), or, on a split story, as two. Neither is stored now."""
    page = _social_page(lang, SOCIAL_PLATFORMS.index("mastodon"), (3, 2, 3), layout)
    text = stored_text(page)
    assert social_platform(page) == "mastodon"
    assert repeated_parts(page, text, whole=True) == [] and story_faults(page, text, promised_lines(page)) == []


@pytest.mark.parametrize("hashed", [False, True])
def test_instagrams_view_this_post_link_is_no_line_of_the_story(hashed: bool) -> None:
    """Instagram's captioned embed kept with its words: its "View this post on Instagram" link above them went with
    them into the text. The post's words and its "A post shared by" line stay (kept or dropped as the thirty-eighth
    pass decided), the link does not."""
    page = _social_page("en", SOCIAL_PLATFORMS.index("instagram"), (1, 1, 1, 1, 1), hashed=hashed)
    text = stored_text(page)
    assert social_platform(page) == "instagram" and social_post(page)[0] in text
    assert repeated_parts(page, text, whole=True) == [] and story_faults(page, text) == []


def _embed_tree(embed: str) -> object:
    story = "".join(f"<p>{line}</p>" for line in STORY)
    return lxml.html.fromstring(f"<html><body><article><h1>Ferry</h1>{story}{embed}</article></body></html>")


def test_an_embeds_caption_link_stays_and_its_chrome_goes() -> None:
    """The post's words in a `<p>` stay even as a link (Instagram's caption); the link outside the post's paragraphs
    goes, glued or one piece a line."""
    embed = ('<blockquote class="instagram-media"><a href="/p/1"><div>View this post</div><div>on Instagram</div></a>'
             f'<p><a href="/p/1">{POINTS[0]}</a></p></blockquote>')
    text = "\n".join((STORY[0], "View this post", "on Instagram", "View this poston Instagram", POINTS[0], STORY[1]))
    assert drop_embed_chrome(text, _embed_tree(embed)) == "\n".join((STORY[0], POINTS[0], STORY[1]))


def test_a_link_outside_a_platforms_embed_stays() -> None:
    """The same words as a link in a quote no platform's class marks: the story's (its own blockquote of a reader's
    letter), kept."""
    text = "\n".join((STORY[0], "View on Mastodon", STORY[1]))
    tree = _embed_tree('<blockquote class="letter"><a href="/m">View on Mastodon</a></blockquote>')
    assert drop_embed_chrome(text, tree) == text


def test_a_hostile_page_of_marked_boxes_costs_little() -> None:
    """Every box marked as a summary, thousands of items in each, the text's first line one of them: at most
    MAX_BOXES_READ boxes and MAX_ITEMS_READ items each are read, and a box's items counted only to SUMMARY_MIN_ITEMS
    (counting every item for each item read cost 0.25 s here). A box past SUMMARY_MAX_CHARACTERS is no box: the line
    stays."""
    items = "".join(f"<li>Point number {number} of the box.</li>" for number in range(3000))
    boxes = "".join(f"<div class='summary'><div class='summary'><ul>{items}</ul></div></div>" for _ in range(8))
    tree = lxml.html.fromstring(f"<html><body>{boxes}<p>{STORY[0]}</p></body></html>")
    text = "\n".join(("Point number 7 of the box.", *STORY))
    assert drop_summary_box(text, tree) == text
    assert _best_cpu(lambda: drop_summary_box(text, tree)) < 0.1  # about 0.02 s; 0.25 s counting every item


def _best_cpu(call: Callable[[], object], repeats: int = 3) -> float:
    """The call's CPU seconds, best of `repeats`: one call's figure on a shared machine ran from 0.07 to 0.10 s
    against the 0.1 s bound (review of the thirty-ninth pass), the best of three about 0.02 s."""
    spent = []
    for _ in range(repeats):
        started = process_time()
        call()
        spent.append(process_time() - started)
    return min(spent)


# --- review (docs/extraction.md, "Review of the thirty-ninth text pass") -----------------------------------------

def test_a_storys_lead_that_a_marked_boxs_point_repeats_stays() -> None:
    """A box whose first point repeats the story's lead sentence word for word (its other points the desk's own), the
    box itself not in trafilatura's text: the first line is the story's `<p>` as much as the box's item, and stays
    (the rule dropped the lead)."""
    items = (STORY[0], "Two years of repairs, rust in the keel.", "Fares stay as they were.")
    text = "\n".join(STORY)
    assert drop_summary_box(text, _tree("article-summary", items=items)) == text


def test_a_lone_point_printed_in_two_marked_boxes_still_goes() -> None:
    """A template printing the box twice (one for narrow screens): the point's second copy is a box's too, so it
    does not read as the story's own line."""
    listed = "".join(f"<li>{item}</li>" for item in POINTS)
    box = f"<div class='article-summary'><ul>{listed}</ul></div>"
    story = "".join(f"<p>{line}</p>" for line in STORY)
    tree = lxml.html.fromstring(f"<html><body><article><h1>Ferry</h1>{box}<div class='mobile-summary'><ul>{listed}"
                                f"</ul></div><div class='body'>{story}</div></article></body></html>")
    assert drop_summary_box("\n".join((POINTS[2], *STORY)), tree) == "\n".join(STORY)


def test_a_storys_own_line_that_an_embeds_link_repeats_stays() -> None:
    """A Facebook post embedded by its page "Town Council", and the story's own subhead "Town Council": the name is a
    link outside the post's paragraphs (chrome), but the page prints the subhead outside any embed, so that line is
    the story's (the rule matched lines anywhere in the text and dropped the subhead)."""
    embed = ('<div class="fb-post"><blockquote class="fb-xfbml-parse-ignore"><p>The ferry runs again.</p>Posted by '
             '<a href="/tc">Town Council</a> on <a href="/tc/1">Thursday, 3 March 2024</a></blockquote></div>')
    tree = lxml.html.fromstring(f"<html><body><article><h1>Ferry</h1><p>{STORY[0]}</p><h2>Town Council</h2>"
                                f"<p>{STORY[1]}</p>{embed}</article></body></html>")
    text = "\n".join((STORY[0], "Town Council", STORY[1], "Thursday, 3 March 2024"))
    assert drop_embed_chrome(text, tree) == "\n".join((STORY[0], "Town Council", STORY[1]))


@pytest.mark.parametrize("words", ["The ferry is back on the bay, and we are on board for the first trip",
                                   "Back on the bay today!"])
def test_a_posts_words_written_as_its_embeds_link_stay(words: str) -> None:
    """A post pasted without its `<p>`, its words the link to it: the words are the post's (kept or dropped as the
    thirty-eighth pass decided, never by this rule), a long one or a short sentence; its handle's link still goes."""
    embed = (f'<blockquote class="twitter-tweet"><a href="https://x.example/tc/status/1">{words}</a><br>&mdash; '
             '<a href="https://x.example/tc">@towncouncil</a></blockquote>')
    text = "\n".join((STORY[0], words, "@towncouncil", STORY[1]))
    assert drop_embed_chrome(text, _embed_tree(embed)) == "\n".join((STORY[0], words, STORY[1]))


def test_a_platforms_chrome_in_the_pages_language_goes() -> None:
    """The rule reads the embed's markup, not its words: Instagram's German link and Mastodon's French ones go (the
    generator draws English chrome only), Mastodon's in a `<figure>` printing nothing but the link: the figure is
    outside the embed, but the deepest element printing the line is the embed's."""
    embed = ('<blockquote class="instagram-media"><a href="/p/1"><div>Sieh dir diesen Beitrag auf Instagram an</div>'
             f'</a><p><a href="/p/1">{POINTS[0]}</a></p></blockquote><figure class="embed"><blockquote '
             'class="mastodon-embed"><a href="/m"><div>Publication de @mairie@social.example</div><div>Voir sur '
             'Mastodon</div></a></blockquote></figure>')
    text = "\n".join((STORY[0], "Sieh dir diesen Beitrag auf Instagram an", POINTS[0],
                      "Publication de @mairie@social.exampleVoir sur Mastodon", STORY[1]))
    assert drop_embed_chrome(text, _embed_tree(embed)) == "\n".join((STORY[0], POINTS[0], STORY[1]))


def test_an_embed_of_its_link_alone_in_a_figure_goes() -> None:
    """A post pasted as its link alone (its words lost), in a `<figure>` printing nothing else: the figure is outside
    the embed and prints the line whole, but the deepest element printing it is the embed's link, so it goes."""
    link = "https://x.example/towncouncil/status/1"
    embed = f'<figure class="embed"><blockquote class="twitter-tweet"><a href="{link}">{link}</a></blockquote></figure>'
    text = "\n".join((STORY[0], link, STORY[1]))
    assert drop_embed_chrome(text, _embed_tree(embed)) == "\n".join(STORY)
