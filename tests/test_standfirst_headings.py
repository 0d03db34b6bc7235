"""The standfirst under the headline when another `<h1>` follows it (`newsflow.standfirst`, twenty-second
pass): a widget's or a content system's own `<h1>` between the headline and the story ("This portlet
should not exist anymore", "Share this story") is no headline, so the standfirst above it is still found.
Hand-written pages; the guards are pages where a later `<h1>` is the story's headline, or no `<h1>`
names the page's title (docs/extraction.md, "Twenty-second pass, text")."""

from __future__ import annotations

from newsflow.extract import extract_article, page_tree
from newsflow.standfirst import restore_standfirst

TITLE = "Harbour ferry returns after two years of repairs"
STANDFIRST = "The old ferry is back on the harbour route on Monday, two years late and at twice the planned cost."
CAPTION = "The ferry at the north pier on its first trip, with the harbour master and two of the crew on deck."
BODY = (
    "The ferry left the north pier at seven in the morning with forty passengers and the mayor on board.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "Commuters had used a bus around the bay during the repairs, which added half an hour to each trip.",
    "The council said the ferry will run every hour on weekdays and every two hours at the weekend.",
)
TEXT = "\n".join(BODY)


def _page(after_standfirst: str, *, headline: str = f"<h1>{TITLE}</h1>", title: str = TITLE) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY)
    return (
        f"<html><head><title>{title} | Bay News</title></head><body>"
        "<h1 class='sr-only'>Navigation</h1><nav><a href='/'>Home</a> <a href='/bay'>Bay</a></nav>"
        f"<header>{headline}<div class='article-intro'>{STANDFIRST}</div></header>"
        f"{after_standfirst}<div class='story'>{paragraphs}</div>"
        "<footer><p>© Bay News</p></footer></body></html>"
    )


def test_a_widgets_h1_after_the_headline_does_not_hide_the_standfirst() -> None:
    for widget in (
        "<div class='portlet'><h1 id='legacy-portlet'>This portlet should not exist anymore</h1></div>",
        "<div class='tools'><h1>Share this story</h1><a href='/share'>Mail</a></div>",
    ):
        assert restore_standfirst(TEXT, page_tree(_page(widget)), TITLE) == f"{STANDFIRST}\n{TEXT}", widget


def test_extraction_keeps_the_standfirst_above_a_caption_and_a_widgets_h1() -> None:
    """kas.de's layout: the standfirst in the header, a portlet's leftover `<h1>`, then the story's
    container opening with its picture's caption."""
    widget = "<div class='portlet'><h1 id='legacy-portlet'>This portlet should not exist anymore</h1></div>"
    caption = f"<div class='story'><div class='image-alt'><p>{CAPTION}</p></div>"
    page = _page(widget).replace("<div class='story'>", caption)
    article = extract_article(page, "https://bay.example/news/ferry")
    assert article is not None
    assert STANDFIRST in article.text.split("\n")


def test_a_later_h1_that_is_the_headline_still_starts_the_walk() -> None:
    """A header's copy of the headline, then the story's own <h1> with its standfirst: the block between the
    two is not the standfirst (it is the header's teaser of something else)."""
    teaser = "Elsewhere on the bay, the new marina opens its doors on Saturday with free parking for all visitors."
    page = (
        f"<html><head><title>{TITLE}</title></head><body><div class='top'><h1>{TITLE}</h1></div>"
        f"<div class='promo'><p>{teaser}</p></div><article><h1>{TITLE}</h1>"
        f"<p class='intro'>{STANDFIRST}</p><div class='story'>{''.join(f'<p>{x}</p>' for x in BODY)}</div>"
        "</article></body></html>"
    )
    assert restore_standfirst(TEXT, page_tree(page), TITLE) == f"{STANDFIRST}\n{TEXT}"


def test_without_an_h1_naming_the_title_every_h1_starts_the_walk_as_before() -> None:
    """No <h1> names the page's title: a later <h1> is taken as the headline, as before this pass, so the
    block above it is not read."""
    widget = "<div class='portlet'><h1>Other news from the region today</h1></div>"
    page = _page(widget, headline="<h1>Ferry back</h1>", title="Completely different words")
    assert restore_standfirst(TEXT, page_tree(page), "Completely different words") == TEXT
    assert restore_standfirst(TEXT, page_tree(page), None) == TEXT


def test_a_site_name_h1_is_not_the_title_that_lets_the_walk_skip_the_headline() -> None:
    """Review of the twenty-second pass: the site's logo is an <h1> whose name the page's title ends with
    ("… | Bay News"), and the story's headline differs from the title (an SEO title): the logo's <h1>
    does not name the title, so the story's <h1> still starts the walk and the teaser between them is
    not read as a standfirst."""
    teaser = "Elsewhere on the bay, the new marina opens its doors on Saturday with free parking for all visitors."
    page = (
        "<html><head><title>Ferry back after repairs | Bay News</title></head><body>"
        f"<div class='top'><h1 class='site-title'>Bay News</h1></div><div class='highlight'><p>{teaser}</p></div>"
        f"<article><h1>{TITLE}</h1><p>{STANDFIRST}</p><div class='story'>"
        f"{''.join(f'<p>{x}</p>' for x in BODY)}</div></article></body></html>"
    )
    title = "Ferry back after repairs | Bay News"
    assert restore_standfirst(TEXT, page_tree(page), title) == f"{STANDFIRST}\n{TEXT}"
