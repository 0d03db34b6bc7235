"""The forty-sixth text pass (docs/extraction.md, "Forty-sixth pass, text"): a story's subheads that readability-lxml
leaves out, kept; an own list's headlines in `<li>` cards, put back.

`refine.drop_unconfirmed_lines` drops a short line readability's text lacks, and until this pass a heading of the
story counted as a subhead only when readability showed it too. readability leaves out a heading whose CMS block
holds nothing else (9News's `div.block-content > h3`, the LA Times' story stack), so such a story lost its subheads
and trafilatura alone kept them. A heading trafilatura's own output holds, standing among the story's text on the
page, between two story paragraphs, stays now, unless the page marks it as something else: a teaser's linked
headline, an accessibility label (an ancestor's `aria-labelledby`), a box's heading over a list."""

from __future__ import annotations

import re

import lxml.etree
import lxml.html
import pytest

from newsflow.breaksplits import join_break_splits
from newsflow.extract import extract_article
from newsflow.subheads import StoryHeadings
from tests.test_text_pass45 import EDITOR_CUTS
from tests.test_text_pass46 import own_list_lines_lost
from tests.textpageworld import LANGS, TextPage, paragraphs

SUBHEADS = {
    "en": ("What the council decided", "Where the money comes from"),
    "de": ("Was der Rat beschlossen hat", "Woher das Geld kommt"),
    "fr": ("Ce que le conseil a décidé", "D'où vient l'argent"),
    "es": ("Lo que decidió el consejo", "De dónde sale el dinero"),
    "it": ("Cosa ha deciso il consiglio", "Da dove arrivano i soldi"),
    "nl": ("Wat de raad besloot", "Waar het geld vandaan komt"),
}


def _block(inner: str) -> str:
    """One block of a CMS that wraps every part of the story in a block of its own (9News's)."""
    return f'<div class="block-content"><div class="c">{inner}</div></div>'


def _block_story(lang: str, heading: str) -> tuple[list[str], tuple[str, str], str]:
    """Six story paragraphs, each in its block as a bare `<span>`, with a subhead in a block of its own after the
    second and the fourth (the second's text in a `<strong>`)."""
    story = paragraphs(TextPage(lang=lang, sizes=(3, 2, 3, 2, 3, 2), layout="article", body_class=1))
    first, second = SUBHEADS[lang]
    parts = [_block(f"<span>{text}</span>") for text in story]
    parts.insert(4, _block(f"<{heading}><strong><span>{second}</span></strong></{heading}>"))
    parts.insert(2, _block(f"<{heading}><span>{first}</span></{heading}>"))
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><title>A story | Example</title></head><body><main><article>'
            f'<h1>A story</h1><div class="body">{"".join(parts)}</div></article></main></body></html>')
    return story, (first, second), html


@pytest.mark.parametrize(("lang", "heading"), [(lang, ("h3", "h2")[n % 2]) for n, lang in enumerate(LANGS)])
def test_a_subhead_readability_leaves_out_stays_between_its_paragraphs(lang: str, heading: str) -> None:
    """On main's code each page lost one of its two subheads (readability's text lacked it)."""
    story, subheads, html = _block_story(lang, heading)
    article = extract_article(html, "https://example.test/news/story")
    assert article is not None
    lines = article.text.split("\n")
    expected = [*story[:2], subheads[0], *story[2:4], subheads[1], *story[4:]]
    assert lines == expected


def _headings(page_body: str, output_heads: list[str]) -> StoryHeadings:
    """`StoryHeadings` over a hand-made page and a trafilatura output holding `output_heads` as `<head>`s; no
    readability text, so only the new reading can hold a heading."""
    page = lxml.html.fromstring(f"<html><body><article>{page_body}</article></body></html>")
    body = lxml.etree.fromstring("<body>" + "".join(f"<head>{head}</head>" for head in output_heads) + "</body>")
    return StoryHeadings(None, page, body)


STORY = " ".join(["The council met on Tuesday and agreed to pay for four new bus routes in the town."] * 2)


def test_an_unlinked_heading_among_the_storys_paragraphs_is_a_subhead() -> None:
    headings = _headings(f"<p>{STORY}</p><h3>What the council decided</h3><p>{STORY}</p>", ["What the council decided"])
    assert "What the council decided" in headings


@pytest.mark.parametrize("heading", [
    '<h3><a href="/news/other">Another story the site wants read</a></h3>',  # a teaser's headline
    '<a href="/news/other"><h3>Another story the site wants read</h3></a>',  # a card's link round its heading
])
def test_a_linked_heading_is_no_subhead(heading: str) -> None:
    assert "Another story the site wants read" not in _headings(f"<p>{STORY}</p>{heading}<p>{STORY}</p>",
                                                                ["Another story the site wants read"])


def test_an_accessibility_label_is_no_subhead() -> None:
    """Seznam Zprávy's `<article aria-labelledby="accessibility-article"><h6 id="accessibility-article">Článek</h6>`."""
    page = (f'<p>{STORY}</p><section aria-labelledby="story-label"><h6 id="story-label">Story text here</h6>'
            f"<p>{STORY}</p></section>")
    assert "Story text here" not in _headings(page, ["Story text here"])
    assert "Story text here" in _headings(page.replace('aria-labelledby="story-label"', ""), ["Story text here"])


def test_a_boxs_heading_over_a_list_is_no_subhead() -> None:
    page = f"<p>{STORY}</p><div class='points'><h3>Summary points</h3><ul><li>{STORY}</li></ul></div><p>{STORY}</p>"
    assert "Summary points" not in _headings(page, ["Summary points"])
    assert "Summary points" in _headings(page.replace("<ul>", "<div>").replace("</ul>", "</div>"), ["Summary points"])


def test_a_newsletter_boxs_heading_over_its_own_paragraphs_is_no_subhead() -> None:
    """coaching-magazin.de: the box's paragraphs are long, so the heading stands among a paragraph's worth of words."""
    box = f"<div class='box'><div><h3>Get our newsletter</h3></div><div><p>{STORY}</p></div>{{form}}</div>"
    page = f"<p>{STORY}</p>{box}<p>{STORY}</p>"
    assert "Get our newsletter" not in _headings(page.format(form="<form><input name='mail'></form>"),
                                                 ["Get our newsletter"])
    assert "Get our newsletter" in _headings(page.format(form=""), ["Get our newsletter"])


def test_a_storys_body_holding_a_form_further_down_keeps_its_subheads() -> None:
    """Tageblatt's and the Washington Post's bodies hold a newsletter form: the body is no box (FORM_BOX_MAX_WORDS)."""
    paragraphs_below = f"<p>{STORY}</p>" * 4
    body = f"<div><p>{STORY}</p><h3>What the council decided</h3>{paragraphs_below}<form><input></form></div>"
    assert "What the council decided" in _headings(body, ["What the council decided"])


def test_a_heading_outside_the_output_or_beside_no_story_is_no_subhead() -> None:
    assert "What the council decided" not in _headings(f"<p>{STORY}</p><h3>What the council decided</h3>", [])
    assert "Newsletter" not in _headings("<div><h3>Newsletter</h3><form><input></form></div>", ["Newsletter"])


OWN_LIST_CARDS = [  # (lang, at, items, cuts, style): a `<ul>` of bare `<li>` cards on the soup layout
    ("en", 1, 3, None, "plain"), ("de", -1, 2, None, "cms"), ("fr", 1, 3, EDITOR_CUTS, "cms"),
    ("es", -1, 3, None, "plain"), ("it", 1, 2, None, "plain"), ("nl", -1, 3, EDITOR_CUTS, "plain"),
]


CardCase = tuple[str, int, int, tuple[int, ...] | None, str]


@pytest.mark.parametrize("case", OWN_LIST_CARDS, ids=lambda value: str(value))
def test_an_own_lists_headlines_in_li_cards_are_put_back(case: CardCase) -> None:
    """trafilatura's wild-text recovery keeps the cards' summaries and drops their `<h3>`s; `restore_own_headlines`
    read a lost headline's run among its `<li>`'s children (one item, no run), so every headline stayed lost (main's
    code); it reads the list's cards now. Every headline and summary is stored once, as a line of its own."""
    lang, at, items, cuts, style = case
    assert own_list_lines_lost(lang, "soup", "ul", at, items, cuts, style) == []


def _wrapped(text: str) -> tuple[str, str]:
    """The paragraph split where a sentence breaks after eight words or more before a lowercase word."""
    words = text.split(" ")
    at = next(index for index in range(8, len(words)) if words[index][0].islower()
              and not words[index - 1].endswith((".", ",", ":")))
    return " ".join(words[:at]), " ".join(words[at:])


def _br_page(lang: str, middle: str) -> tuple[list[str], str]:
    story = paragraphs(TextPage(lang=lang, sizes=(3, 2, 3, 2), layout="article", body_class=1))
    body = "".join(f"<p>{text}</p>" for text in story[:2]) + middle + "".join(f"<p>{text}</p>" for text in story[2:])
    html = (f'<!DOCTYPE html><html lang="{lang}"><head><title>A story | Example</title></head><body><main><article>'
            f'<h1>A story</h1><div class="body">{body}</div></article></main></body></html>')
    return story, html


def _text_of(html: str) -> list[str]:
    article = extract_article(html, "https://example.test/news/story")
    assert article is not None
    return article.text.split("\n")


@pytest.mark.parametrize(("lang", "form"), [(lang, n % 3) for n, lang in enumerate(LANGS)])
def test_a_sentence_a_br_breaks_is_one_line(lang: str, form: int) -> None:
    """TheCitizen's "… as weather conditions<br>deteriorate," he stated.", a WordPress soft break, a blog export
    breaking every line: main's code stored the sentence's rest as a line of its own."""
    story, html = _br_page(lang, "")
    head, rest = _wrapped(story[1])
    wrapped = [f"{head}<br>{rest}", f'{head}<br class="soft-break">\n{rest}', f"<em>{head}</em><br>{rest}"][form]
    assert _text_of(html.replace(f"<p>{story[1]}</p>", f"<p>{wrapped}</p>")) == story


@pytest.mark.parametrize("middle", [
    "<p>Anna Berger<br>Market Street 12<br>Springfield</p>",  # an address: capitals and digits
    "<p>1 TL (zirka) Absinthe<br>etwas Zitronenzeste<br>ein Spritzer Wasser</p>",  # a recipe's short lines
    "<p>The council will meet again on Tuesday to vote on the plan.<br>iPhone owners can watch it live.</p>",
    "<p>Read the letter the bishop wrote about the world day of social communication<br>kath.net keeps the right to "
    "delete comments.</p>",  # a name written in lowercase opens a sentence (kath.net)
    "<p>市议会周二表示新的公交线路将在未来五年内花费一千二百万英镑<br>市民对此表示欢迎并希望尽快开通</p>",  # no case
    "<pre>for line in lines and the rest of the loop here\nprint(line)</pre>",
])
def test_lines_a_br_ends_on_purpose_keep_their_lines(middle: str) -> None:
    """A sentence's end, a capital, a digit, short lines, a script without case, code: the `<br>` is a line's end."""
    story, html = _br_page("en", middle)
    lines = _text_of(html)
    pieces = [piece for piece in re.split(r"<br>|\n", re.sub(r"</?(p|pre)>", "", middle)) if piece]
    assert [line for line in lines if line not in story] == pieces or "pre" in middle


def test_join_break_splits_on_a_tree() -> None:
    page = lxml.html.fromstring("<div><p>one two three four five six seven eight<br>nine ten.</p>"
                                "<p>Short line here<br>and the rest.</p></div>")
    text = "one two three four five six seven eight\nnine ten.\nShort line here\nand the rest."
    assert join_break_splits(text, page) == "one two three four five six seven eight nine ten.\nShort line here\n" \
        "and the rest."
    assert join_break_splits(text, None) == text
    no_break = lxml.html.fromstring("<div><p>one two three four five six seven eight</p><p>nine ten.</p></div>")
    assert join_break_splits(text, no_break) == text
