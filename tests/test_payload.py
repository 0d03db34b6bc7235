"""The story a page carries only in its scripts (newsflow.payload), and its use as a rescue."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import payload
from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.payload import reads_as_body, script_payload_text
from newsflow.refine import article_body_rescue
from newsflow.text import normalize_text

TITLE = "Riverside council approves the new library budget"
STORY = [
    "The Riverside council approved the budget for the new library on Tuesday night after a debate of six hours.",
    "Members of the opposition said the library budget leaves too little for the branch libraries in the suburbs.",
    "The mayor said building work on the new library would start in the spring and end within two years.",
]
COOKIES = (
    "We and our partners store and access information on your device, such as cookies, and process personal "
    "data to show you personalised ads and content and to measure how they perform."
)


def shell_page(scripts: str, head: str = "") -> str:
    """A page whose HTML is a shell: the framework's script renders the story in the browser."""
    return (
        f"<html><head><title>{TITLE}</title>{head}</head>"
        f"<body><div id='__next'><nav><a href='/'>Home</a></nav></div>{scripts}</body></html>"
    )


def next_data_script(blocks: list[dict[str, str]]) -> str:
    data = {"props": {"pageProps": {"article": {"id": "a81", "headline": TITLE, "blocks": blocks}}}}
    return f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(data)}</script>'


def paragraph_blocks(paragraphs: list[str]) -> list[dict[str, str]]:
    return [{"type": "paragraph", "id": f"p{index}", "text": text} for index, text in enumerate(paragraphs)]


def test_paragraph_blocks_of_a_json_payload_are_the_story() -> None:
    tree = load_html(shell_page(next_data_script(paragraph_blocks(STORY))))
    # The headline stays in the run; `drop_title_line` takes it out later, as for any text.
    assert script_payload_text(tree, TITLE) == "\n".join([TITLE, *STORY])


def test_a_body_payload_in_html_is_read_as_paragraphs() -> None:
    html_body = "".join(f"<p>{text}</p>" for text in STORY) + "<figure><figcaption>Photo: Jo Lee</figcaption></figure>"
    data = {"article": {"id": 81, "bodyHtml": html_body}}
    script = f"<script>window.__INITIAL_STATE__ = {json.dumps(data)};</script>"
    tree = load_html(shell_page(script))
    assert script_payload_text(tree, TITLE) == "\n".join(STORY)


def test_a_server_components_stream_is_read_one_level_down() -> None:
    # Next.js app router: each chunk is a JS string whose content is itself JSON (React elements).
    elements = [["$", "p", None, {"children": text}] for text in STORY]
    chunk = "5:" + json.dumps(["$", "article", None, {"children": elements}]) + "\n"
    script = f"<script>self.__next_f.push({json.dumps([1, chunk])})</script>"
    tree = load_html(shell_page(script))
    assert script_payload_text(tree, TITLE) == "\n".join(STORY)


def test_prose_about_something_else_is_not_the_story() -> None:
    # A cookie notice and other stories' teasers are prose too; none is about the page's title.
    teasers = [
        "Flooding closed the coastal road near the harbour for the third time this winter, the police said today.",
        "The football club signed a new goalkeeper from the league's bottom side for an undisclosed fee on Monday.",
    ]
    tree = load_html(shell_page(next_data_script(paragraph_blocks([COOKIES, *teasers]))))
    assert script_payload_text(tree, TITLE) is None


def test_code_and_urls_in_scripts_are_not_prose() -> None:
    code = "function track(e){return window.dataLayer.push({event:e, page:'/news/riverside-library-budget'})}"
    data = {"bundle": code * 5, "image": "https://cdn.example.test/img/riverside-library-budget-council-2026.jpg" * 3}
    tree = load_html(shell_page(f'<script type="application/json">{json.dumps(data)}</script>'))
    assert script_payload_text(tree, TITLE) is None


def test_a_single_paragraph_is_not_a_body() -> None:
    assert not reads_as_body([STORY[0]], TITLE)
    assert reads_as_body(STORY[:2], TITLE)


def test_the_payload_rescues_a_stub_and_never_replaces_a_real_text() -> None:
    tree = load_html(shell_page(next_data_script(paragraph_blocks(STORY * 2))))
    assert article_body_rescue("Loading…", tree, TITLE) == "\n".join([TITLE, *STORY, *STORY])
    real = "\n".join(f"{line} It said so twice." for line in STORY)
    assert article_body_rescue(real, tree, TITLE) == real


def test_extract_article_finds_the_story_of_a_page_that_renders_it_from_scripts() -> None:
    head = '<meta property="article:published_time" content="2026-03-14T09:30:00+01:00">'
    html = shell_page(next_data_script(paragraph_blocks(STORY * 2)), head)
    article = extract_article(html, "https://riverside.example/news/library-budget")
    assert article is not None
    assert article.text == "\n".join(STORY * 2)
    assert article.title == TITLE
    assert article.published_date is not None and article.published_date.isoformat() == "2026-03-14"


def test_script_text_past_the_budget_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # A hostile page of endless strings costs a bounded time: text past MAX_SCRIPT_CHARS is not read.
    monkeypatch.setattr(payload, "MAX_SCRIPT_CHARS", 2_000)
    first = next_data_script(paragraph_blocks(STORY))
    filler = "<script>var pad = '" + "x" * 3_000 + "';</script>"
    later = next_data_script(paragraph_blocks(STORY * 3))
    tree = load_html(shell_page(first + filler + later))
    assert script_payload_text(tree, TITLE) == "\n".join([TITLE, *STORY])


def test_a_lone_surrogate_escape_in_a_payload_leaves_valid_text() -> None:
    # JSON can escape half an emoji ("\ud83d" alone); Python decodes it to a str UTF-8 cannot encode.
    blocks = paragraph_blocks([f"{STORY[0]} \\ud83d", *STORY[1:]])
    script = next_data_script(blocks).replace("\\\\ud83d", "\\ud83d")
    text = script_payload_text(load_html(shell_page(script)), TITLE)
    assert text is not None and STORY[1] in text
    text.encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=120), max_size=12))
def test_any_payload_strings_give_normal_text_or_none(strings: list[str]) -> None:
    script = f"<script>window.state = {json.dumps({'items': strings, 'story': STORY})};</script>"
    text = script_payload_text(load_html(shell_page(script)), TITLE)
    assert text is None or (text == normalize_text(text) and text.encode("utf-8"))
