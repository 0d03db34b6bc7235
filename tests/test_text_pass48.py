"""The forty-seventh text pass (docs/extraction.md, "Forty-seventh pass, text"): a navigation heading over a box of
links, between two story paragraphs, dropped when the box went.

On the plain layout (an `<h3>` and a `<div>` of cards set straight among the story's `<p>`s) readability-lxml's text
shows the heading, so `refine.drop_unconfirmed_lines` kept it, while trafilatura dropped the box's links: "Related",
"Most read", "Meistgelesen", a newsletter's "Iscriviti alla newsletter" stood alone among the story's paragraphs
(the forty-sixth pass's review, `cases4.json`: 13 of 30 kept on main). `subheads.drop_link_box_headings` drops a
short line that only headings over a block of links only show, when none of the block's links is in the text.
Markup only: the same in every language."""

from __future__ import annotations

import lxml.html
import pytest

from newsflow.extract import extract_article
from newsflow.subheads import drop_link_box_headings
from tests.test_text_pass47 import SUBHEADS
from tests.textpageworld import LANGS, TextPage, paragraphs

NAVIGATION = {
    "en": ("Related", "Most read", "Sign up for our newsletter"),
    "de": ("Mehr zum Thema", "Meistgelesen", "Newsletter abonnieren"),
    "fr": ("Sur le même sujet", "Les plus lus", "Inscrivez-vous à notre newsletter"),
    "es": ("Relacionado", "Lo más leído", "Suscríbete a nuestro boletín"),
    "it": ("Articoli correlati", "I più letti", "Iscriviti alla newsletter"),
    "nl": ("Gerelateerd", "Meest gelezen", "Schrijf je in voor de nieuwsbrief"),
}
OTHER_STORIES = (
    "A different story about the harbour and its future plans",
    "Second popular story headline of the week",
)


def _boxes(lang: str) -> dict[str, str]:
    """A navigation heading over its box, as CMSs write them: cards, bare links, a newsletter's button."""
    related, most_read, newsletter = NAVIGATION[lang]
    first, second = OTHER_STORIES
    return {
        "cards": f'<h3>{related}</h3><div class="cards"><div class="card"><a href="/n/1">{first}</a></div></div>',
        "bare": f'<h2>{most_read}</h2><div><a href="/n/a">{first}</a> <a href="/n/b">{second}</a></div>',
        "section": f'<section><h4>{related}</h4><div><div><a href="/n/a"><span>{first}</span></a></div></div>'
        "</section>",
        "button": f'<h3>{newsletter}</h3><div class="newsletter"><a class="btn" href="/newsletter">{newsletter}</a>'
        "</div>",
    }


def _story_with(lang: str, box: str, block_layout: bool = False) -> tuple[list[str], str]:
    """Six story paragraphs with `box` after the third, each part bare (the plain layout) or in a CMS block."""
    story = paragraphs(TextPage(lang=lang, sizes=(3, 2, 3, 2, 3, 2), layout="article", body_class=1))
    wrap = '<div class="block-content"><div class="c">{}</div></div>' if block_layout else "{}"
    parts = [wrap.format(f"<p>{text}</p>") for text in story]
    parts.insert(3, wrap.format(box))
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><title>A story | Example</title></head><body><main><article>'
            f'<h1>A story</h1><div class="body">{"".join(parts)}</div></article></main></body></html>')
    return story, html


def _stored_lines(html: str) -> list[str]:
    article = extract_article(html, "https://example.test/news/story")
    assert article is not None
    return article.text.split("\n")


PLAIN_CASES = [(lang, kind) for lang in LANGS for kind in ("cards", "bare", "section", "button")]


@pytest.mark.parametrize(("lang", "kind"), PLAIN_CASES)
def test_a_navigation_heading_over_a_box_that_went_is_not_stored(lang: str, kind: str) -> None:
    """The story's six paragraphs are stored, in order, and nothing else. On main's code 12 of these 24 stored the
    heading ("Related", "Most read" in five languages, the Italian and Dutch newsletter's heading and button)."""
    story, html = _story_with(lang, _boxes(lang)[kind])
    assert _stored_lines(html) == story


@pytest.mark.parametrize("lang", LANGS)
def test_a_subhead_over_the_story_stays(lang: str) -> None:
    """The control: the same place and markup, a subhead over a story paragraph, no box (the navigation words
    themselves are labels `furniture.LABELS` drops in German and French, whatever stands under them)."""
    subhead = SUBHEADS[lang][0]
    story, html = _story_with(lang, f"<h3>{subhead}</h3>")
    assert _stored_lines(html) == [*story[:3], subhead, *story[3:]]


def _tree(body: str) -> object:
    return lxml.html.fromstring(f"<html><body><article>{body}</article></body></html>")


LONG = "This paragraph of the story is long enough to count as one of its paragraphs, with words to spare for it."


@pytest.mark.parametrize(
    ("box", "kept"),
    [
        ('<div><a href="/n/1">A different story about the harbour</a></div>', False),
        ('<div><a href="/n/1">A different story about the harbour</a> and what the council said</div>', True),
        ('<div><a href="/n/1">Two words</a></div>', True),
        ('<figure><figcaption><a href="/credit">Photo by Jane Doe Agency</a></figcaption></figure>', True),
        ('<a href="/photo.jpg"><img src="/photo-s.jpg"><br>From left to right: the mayor and her deputy</a>', True),
    ],
    ids=["links-only", "text-beside-links", "too-few-words", "a-picture's-credit", "a-linked-picture"],
)
def test_only_a_block_of_links_only_makes_its_heading_navigation(box: str, kept: bool) -> None:
    """A block with unlinked text (a story paragraph), a link of two words, a picture's credit: the heading stays."""
    text = f"{LONG}\nRelated\n{LONG}"
    page = _tree(f"<p>{LONG}</p><h3>Related</h3>{box}<p>{LONG}</p>")
    assert (drop_link_box_headings(text, page) == text) is kept


def test_a_heading_over_links_the_text_holds_stays() -> None:
    """A story's own list of linked headlines under its heading, stored: the heading heads it."""
    link = "A different story about the harbour"
    text = f"{LONG}\nTimeline\n{link}\n{LONG}"
    page = _tree(f'<p>{LONG}</p><h3>Timeline</h3><div><a href="/n/1">{link}</a></div><p>{LONG}</p>')
    assert drop_link_box_headings(text, page) == text


def test_a_heading_over_a_paragraph_of_one_link_stays() -> None:
    """A paragraph is the story's own markup: a product review's heading over its shop's price link (fundus
    TheTelegraph, tune half, whose reference keeps the heading) stays, the link dropped or not."""
    text = f"{LONG}\n2. Lakeland Dry:Soon Drying Pod\n{LONG}"
    page = _tree(f'<p>{LONG}</p><h2>2. Lakeland Dry:Soon Drying Pod</h2><p><a href="https://shop.test/pod">£79.99, '
                 f"Lakeland shop</a></p><p>{LONG}</p>")
    assert drop_link_box_headings(text, page) == text


def test_a_heading_shown_also_over_the_story_stays() -> None:
    """Two headings show the line; one heads a story paragraph: the line stays wherever it stands."""
    text = f"{LONG}\nRelated\n{LONG}"
    page = _tree(f'<p>{LONG}</p><h3>Related</h3><p>{LONG}</p><h3>Related</h3><div><a href="/n">Other news of the '
                 f"day here</a></div>")
    assert drop_link_box_headings(text, page) == text


def test_a_linked_heading_is_left_to_the_teaser_rules() -> None:
    text = f"{LONG}\nRelated\n{LONG}"
    page = _tree(f'<p>{LONG}</p><h3><a href="/r">Related</a></h3><div><a href="/n">Other news of the day</a></div>'
                 f"<p>{LONG}</p>")
    assert drop_link_box_headings(text, page) == text


def test_the_first_line_is_left_to_the_standfirst_rules() -> None:
    """A subtitle under the headline over the byline's link (Aftonbladet's, fundus tune) is the standfirst's place."""
    text = f"Police ask for tips\n{LONG}"
    page = _tree(f'<h1>Girl missing</h1><h2>Police ask for tips</h2><div><a href="/by/jane">See all articles by Jane '
                 f"Doe</a></div><p>{LONG}</p>")
    assert drop_link_box_headings(text, page) == text
    assert drop_link_box_headings(f"{LONG}\n{text}", page) == f"{LONG}\n{LONG}"
