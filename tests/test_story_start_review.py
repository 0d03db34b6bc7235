
"""Review of the twenty-ninth text pass: hostile inputs for the stored title's suffix rule."""

from __future__ import annotations

import time
from html import escape

from newsflow.extract import extract_article
from newsflow.storystart import drop_start_furniture
from newsflow.text import PARAGRAPH_SEPARATOR
from newsflow.titleline import title_without_suffix
from tests.test_story_start import EN, URL


def test_a_kicker_h1_over_the_headline_keeps_the_title() -> None:
    """A live page's kicker set as the <h1> and its headline as the <h2> beside it: the title's part after the
    separator is that headline, shown on the page, no site's or section's name (": " is no separator at all)."""
    story = "".join(f"<p>{escape(p)}</p>" for p in EN)
    for title in ("Ukraine war live - Kyiv hit overnight", "Ukraine war live | Kyiv hit overnight",
                  "Ukraine war live: Kyiv hit overnight"):
        assert stored(title, story) == title


def stored(title: str, story: str) -> str | None:
    html = (f"<html><head><title>{title}</title><meta property='og:title' content='{title}'></head><body>"
            f"<article><h1>Ukraine war live</h1><h2>Kyiv hit overnight</h2>{story}</article></body></html>")
    article = extract_article(html, URL)
    assert article is not None
    return article.title


def test_a_title_of_thousands_of_separators_is_read_in_linear_time() -> None:
    """A hostile <title>/og:title (capped at 10,000 characters upstream) made of separators: each one's head was
    tokenised again from the title's start (about 2 s a page, quadratic)."""
    title = " - ".join(["word"] * 2500)
    started = time.process_time()  # this process's CPU, not the wall clock: 0.36 s of wall at load 15 (linear)
    assert title_without_suffix(title, ["another headline"], None) == title
    assert title_without_suffix(title + " - site", ["word " * 2500], None) == title
    assert time.process_time() - started < 0.25


def test_a_quoted_label_word_opening_a_story_stays() -> None:
    """A story may open on a word of speech that is also a stamp's label: quoted or asked, it is no label."""
    for line in ("“Published?”", '"Updated."', "«Publié !»", "„Veröffentlicht?“"):
        text = PARAGRAPH_SEPARATOR.join([line, EN[0], EN[1]])
        assert drop_start_furniture(text).split(PARAGRAPH_SEPARATOR)[0] == line
    assert drop_start_furniture(PARAGRAPH_SEPARATOR.join(["Published:", EN[0], EN[1]])).startswith(EN[0])
