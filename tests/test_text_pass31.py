"""Classes left by the thirtieth text pass (docs/extraction.md, "Thirty-first pass, text"): hand-written pages built
from each class, none copied from a site."""

from __future__ import annotations

from newsflow.extract import extract_article

BODY = (
    "Bay City · The ferry left the north pier at seven in the morning with forty passengers and the mayor on board.",
    "Repairs to its engines and hull took two years instead of one, after the shipyard found rust in the keel.",
    "Commuters had used a bus around the bay during the repairs, which added half an hour to each trip.",
)
URL = "https://bay.example/news/ferry"


def _single_quoted_title_page(meta_title: str, shown: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in BODY)
    return (
        f"<html><head><title>{shown}</title><meta property='og:title' content='{meta_title}'></head>"
        f"<body><article><h1>{shown}</h1>{paragraphs}</article></body></html>"
    )


def test_a_meta_title_cut_at_an_apostrophe_is_the_headline_whole() -> None:
    """og:title in a single-quoted attribute, with the headline's own apostrophe or single quote unescaped: the
    value ends there ("Mayor" for "Mayor's ferry …", "Ferry is " for "Ferry is 'back for good'")."""
    for shown in ("Mayor's ferry is back on the bay after two years", "Harbour ferry is 'back for good', mayor says"):
        article = extract_article(_single_quoted_title_page(shown, shown), URL)
        assert article is not None
        assert article.title == shown


def test_a_shorter_meta_title_in_single_quotes_stays() -> None:
    shown = "Harbour ferry back after two years of repairs at the north yard"
    article = extract_article(_single_quoted_title_page("Harbour ferry back after two years", shown), URL)
    assert article is not None
    assert article.title == "Harbour ferry back after two years"
