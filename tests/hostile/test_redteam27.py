"""Red team 27: many elements that are not empty (docs/security.md, "Red team 27").

Each page is served by a real loopback server, fetched by the fetcher and extracted by the worker's own
`extract_with_deadline` (the default 30 s limit, and at most `CPU_BUDGET_S` of this process's CPU, as red team 26's
tests); one whole run (`run_ingest`) takes several from one feed beside a normal article.

1. A run of short paragraphs (`<p>word</p>`, `<li>`, `<td>`, `<div>`): jusText, trafilatura's fallback, walks the
   whole run for each one (quadratic): 5,000 took 3.7 s, 20,000 (0.2 MB) 52 s, an `extract_timeout`. Linear now.
2. (found) 20,000 `<time datetime>`s (1 MB): htmldate's free-text XPath, quadratic in libxml2, 8.8 s (24,000: 16.6 s).
   The same texts read in one walk (`newsflow.freetext`).
3. Elements by the ten or hundred thousand with a word or none (500,000 links: 37 s; a million `<i>x</i>`: 19 s;
   `<option>`s, SVG paths, list items, cells): past `TAG_RUNS_FROM`, each run of tags with no story text between them
   loses its middle before the parse. The story is stored whole, in well under a second.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.extract import extract_article, prepare_extractor
from newsflow.models import Outcome
from newsflow.pagebounds import RUN_TAGS, TAG_RUNS_FROM, without_tag_runs
from tests.hostile.test_redteam26 import (
    CPU_BUDGET_S,
    NORMAL_TEXT,
    STORY,
    article_page,
    extracted,
    run_one_feed_of,
    served,
    story_of,
)
from tests.test_unstoppable import query

MANY_ELEMENTS = {
    "500k-links": {"after": "<a href=/x>y</a>" * 500_000},
    "300k-inline-letters": {"after": "<i>x</i>" * 300_000},
    "link-farm-of-words": {"after": "".join(f'<a href="/tag/{n}">tag {n}</a> ' for n in range(100_000))},
    "navigation-before-the-story": {"before": "<nav><ul>" + "<li><a href=/a>Home</a></li>\n" * 60_000 + "</ul></nav>"},
    "list-items": {"after": "<ul>" + "<li>ab</li>" * 100_000 + "</ul>"},
    "table-cells": {"after": "<table>" + ("<tr>" + "<td>1</td>" * 20 + "</tr>") * 5_000 + "</table>"},
    "one-word-paragraphs": {"after": "<p>word</p>" * 100_000},
    "options": {"after": "<form><select>" + "<option value=1>o</option>" * 100_000 + "</select></form>"},
    "svg-paths": {"after": "<svg>" + '<path d="M0 0L1 1"/>' * 150_000 + "</svg>"},
    "padded-with-white-space": {"after": ("<span>y</span>" + " " * 40 + "\n") * 100_000},
}
SHORT_PARAGRAPHS = {  # under TAG_RUNS_FROM: no cut, jusText's classification and htmldate's reading must be linear
    "7k-one-word-paragraphs": {"after": "<p>word</p>" * 7_000},
    "7k-list-items": {"after": "<ul>" + "<li>ab</li>" * 7_000 + "</ul>"},
    "20k-time-elements": {"after": "".join(f'<time datetime="2024-01-{n % 28 + 1:02d}">Jan {n % 28 + 1}, 2024</time> '
                                           for n in range(20_000))},
}
PAGES = {**MANY_ELEMENTS, **SHORT_PARAGRAPHS}


@pytest.mark.parametrize("name", list(PAGES))
def test_many_elements_of_any_kind_leave_the_story_whole_within_its_time(name: str) -> None:
    """Before: 500,000 links 37 s of CPU, a million `<i>x</i>` 19 s, 5,000 one-word paragraphs 3.7 s and 20,000
    52 s (jusText): an `extract_timeout` on the 30 s limit, the story lost every run. Now `ok` within
    CPU_BUDGET_S, the text the same page gives without the hostile markup."""
    page = article_page(**PAGES[name])
    assert (page.count(b"<") > TAG_RUNS_FROM) == (name in MANY_ELEMENTS)
    outcome, html, error, _ = served(page)
    assert outcome is Outcome.OK, error
    outcome, text, _ = extracted(html)
    assert outcome is Outcome.OK, text
    assert text == NORMAL_TEXT


def test_a_story_of_short_lines_between_story_paragraphs_keeps_them_past_the_bound() -> None:
    """Hostile guard: on a page past TAG_RUNS_FROM, fewer than RUN_TAGS tags between two texts of over 32 letters (a
    short list beside the story's heading) stay, and so does every text of over 32 letters among the tags."""
    short_list = "<ul>" + "".join(f"<li>Item {n}</li>" for n in range(RUN_TAGS // 2 - 20)) + "</ul>"
    page = article_page(before=short_list, after="<a href=/x>y</a>" * (TAG_RUNS_FROM // 2 + 1)).decode()
    cut = without_tag_runs(page)
    assert short_list in cut and cut.count(STORY) == 12 and len(cut) < 20_000
    assert cut.count("<") < 600  # the link farm's middle is gone, its ends kept


ELEMENT_NAMES = ["a href=/x", "i", "b", "span", "li", "td", "p", "div", "option", "h2", "em", "label", "dt"]


@settings(max_examples=6, deadline=None)
@given(st.sampled_from(ELEMENT_NAMES), st.sampled_from(["", "x", "ab", " 7 "]), st.integers(26_000, 250_000),
       st.booleans())
def test_any_element_by_the_hundred_thousand_leaves_the_story_whole(element: str, text: str, count: int,
                                                                     before: bool) -> None:
    """Generated: any such element, its text of a letter or two or none, 26,000 to 250,000 times,
    before or after the story: the text of the page without them, within CPU_BUDGET_S."""
    name = element.split()[0]
    hostile = f"<{element}>{text}</{name}>" * count
    page = article_page(**{"before" if before else "after": hostile}).decode()
    prepare_extractor()
    started = time.process_time()
    article = extract_article(page, "http://127.0.0.1/news/1")
    assert time.process_time() - started < CPU_BUDGET_S
    assert article is not None and article.text == NORMAL_TEXT


def test_a_run_stores_each_story_beside_many_elements_and_a_normal_article(tmp_path: Path) -> None:
    """One feed, one run: a normal article and two pages of many elements. Before: each took 19-52 s of a worker
    (`extract_timeout` at the 30 s limit), the stories lost. Now each is stored whole, once."""
    shapes = {name: PAGES[name] for name in ("500k-links", "7k-one-word-paragraphs")}
    pages = {f"/news/{name}": article_page(**shape, story=story_of(number))
             for number, (name, shape) in enumerate(shapes.items())}
    pages["/news/normal"] = article_page(story=story_of(99))
    config_path = run_one_feed_of(pages, tmp_path, "rt27")
    stored = {str(url): str(text) for url, text in query(config_path, "SELECT url, text FROM articles")}
    assert sorted(url.rsplit("/", 1)[1] for url in stored) == sorted([*shapes, "normal"])
    assert all(text.count("city schools story") == 12 for text in stored.values())


OLD_MENU = "<!-- old menu <ul>" + "<li><a href=/s>Sec</a></li>" * 20 + "</ul> -->"
SCRIPTED_MENU = "<script>var menu = '" + "<li><a href=/s>Sec</a></li>" * 20 + "';</script>"


@pytest.mark.parametrize("opening", [OLD_MENU, SCRIPTED_MENU, OLD_MENU + SCRIPTED_MENU + "<!---->" * 300],
                         ids=["commented-out-menu", "menu-in-a-script", "both-and-empty-comments"])
def test_a_run_that_opens_a_comment_or_script_keeps_the_story_after_it(opening: str) -> None:
    """Review: a run that starts with a commented-out menu (or a script writing one) of more than RUN_ENDS_KEPT
    tags kept its `<!--` and lost its `-->` with the middle: the story after it became a comment, the page no
    article. The cut keeps the run's comment and raw-text openings and closings that do not cancel out."""
    nav = "<nav><ul>" + "<li><a href=/a>Home</a></li>" * 20_000 + "</ul></nav>"
    page = article_page(before=opening + nav).decode()
    assert page.count("<") > TAG_RUNS_FROM
    cut = without_tag_runs(page)
    assert cut.count("<") < 1_000 and cut.count("<!--") == cut.count("-->")
    prepare_extractor()
    article = extract_article(page, "http://127.0.0.1/news/1")
    assert article is not None and article.text == NORMAL_TEXT


@pytest.mark.xfail(strict=True, reason="left (review of red team 27): counting a CJK character as 3 letters kept these "
                   "lines, but 200,000 <p>s of 13 CJK characters were then no run: 146 s of extraction")
def test_a_cjk_story_of_short_lines_keeps_them_past_the_bound() -> None:
    """Review: 32 letters are a Latin phrase but a CJK sentence. A Japanese earthquake report lists the towns of each
    intensity in lines of 10-20 characters (as asahi.com's in the corpora), 150 of them here (300 tags), on a page
    past TAG_RUNS_FROM (a navigation of 20,000 links): the lines' middle is cut."""
    lines = "".join(f"<p>宮崎県\uff1a高鍋町、新富町{n}、宮崎市</p>" for n in range(150))  # \uff1a: a full-width colon
    nav = "<nav><ul>" + "<li><a href=/a>Home</a></li>" * 20_000 + "</ul></nav>"
    story = f"<h1>日向灘で震度5弱</h1><p>{'気象庁は13日、地震があったと発表した。' * 5}</p>{lines}"
    page = f"<html><body>{nav}<article>{story}</article></body></html>"
    cut = without_tag_runs(page)
    assert page.count("<") > TAG_RUNS_FROM and cut.count("<") < 2_000
    assert all(f"新富町{n}、" in cut for n in range(150))
