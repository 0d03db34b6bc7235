"""The story's text: what trafilatura extracted, corrected with the page's own signals.

`newsflow.extract` runs trafilatura (the only module that imports it) and hands its outputs here as
`TrafilaturaOutputs`; `story_text` applies the rules, in this order. trafilatura's own extraction is
preferred to the larger container its fallbacks replaced a whole article by (`newsflow.choose`), and a
story it cut short after its first container is completed from readability-lxml's (`newsflow.completion`).
Page furniture leaves the text (bylines, datelines, credits, ad labels: `newsflow.furniture`; above the story,
a label left alone, a breadcrumb, an age notice: `newsflow.storystart`), which is
then corrected with the page's own signals (`newsflow.refine`: headline line, lead, JSON-LD articleBody or
a script payload's story for pages rendered by scripts (`newsflow.payload`), notices and teaser blocks,
and short lines that readability-lxml's extraction, which trafilatura runs anyway, or the articleBody does
not confirm, subheads excepted: `newsflow.subheads`, and the story's own list of linked headlines, there and at the
story's end: `newsflow.ownlists`), then cut at the story's end (`newsflow.tails`: what
readability does not confirm after the story, other stories' linked headlines, an agency's signature; once it
went, the short lines readability lacks read again), pictures' captions and credits that readability-lxml's
output shows as such dropped (`newsflow.captions`), story paragraphs that trafilatura's container left out put
back (`newsflow.continuation`: a long paragraph readability has inside the story, the rest of a body split into
containers of one kind; subheads and lists trafilatura's wild-text recovery lost: `newsflow.lostsubheads`,
`newsflow.lostlists`), a summary box the page marks as one dropped (`newsflow.summarybox`; the head then read
again for start furniture), the standfirst the page shows between headline and story put back
(`newsflow.standfirst`), a last line calling the reader to a link dropped (`newsflow.tails`), and the author's box
after the story dropped (`newsflow.authorbox`), and an embedded social post's platform links ("View this post on
Instagram") dropped (`newsflow.socialembeds`). `is_article_text` then says whether what is left is an article at all.
Measurements behind each rule: docs/extraction.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from newsflow.authorbox import drop_author_box
from newsflow.captions import drop_alt_captions, drop_caption_lines
from newsflow.choose import choose_extraction
from newsflow.completion import blocks_of, complete_story
from newsflow.continuation import append_continuation
from newsflow.excerptteasers import drop_excerpt_teasers
from newsflow.furniture import drop_furniture_lines
from newsflow.inlinesplits import join_inline_splits
from newsflow.lostlists import restore_lost_lists
from newsflow.lostsubheads import restore_lost_subheads
from newsflow.markedlines import drop_arrow_teasers, drop_link_hints
from newsflow.ownlists import restore_own_headlines
from newsflow.readabilityblocks import block_elements, restore_dropped_paragraphs
from newsflow.refine import (
    article_body_rescue,
    drop_marked_lines,
    drop_related_tail,
    drop_unconfirmed_lines,
    json_ld_article_body,
    restore_lead,
)
from newsflow.socialembeds import drop_embed_chrome
from newsflow.standfirst import restore_standfirst
from newsflow.storystart import drop_start_furniture
from newsflow.subheads import ShownHeadings, StoryHeadings, drop_link_box_headings
from newsflow.summarybox import drop_summary_box
from newsflow.tails import drop_offer_box, drop_reader_call, drop_story_tail
from newsflow.text import PARAGRAPH_SEPARATOR, word_count
from newsflow.titleline import drop_title_line, page_headlines
from newsflow.videoboxes import drop_video_chrome

MIN_PARAGRAPH_WORDS = 15
"""An extraction counts as empty unless one paragraph has at least this many words. When a page
has no article, trafilatura falls back to whatever text it finds: menus, "404", a cookie
notice, all in short lines. On the real corpora the shortest longest-paragraph of a real
article is 24 words (docs/extraction.md)."""
SHORT_PROSE_LINES = 3
SHORT_PROSE_WORDS = 8
"""A text whose paragraphs are all short is an article still when at least SHORT_PROSE_LINES of its
lines are sentences (ending in ".", "!" or "?") of SHORT_PROSE_WORDS words or more: a recipe's or a
how-to's steps, one a line. Menus, a "404" and a cookie notice have no such three sentences
(docs/extraction.md, "Eleventh pass")."""
_SENTENCE_END = re.compile(r"[.!?][\"')»”’]*$")  # noqa: RUF001 (typographic quotes close sentences)


@dataclass(frozen=True)
class TrafilaturaOutputs:
    """What trafilatura made of one page: the inputs of the rules (lxml elements typed Any, as lxml is)."""

    final_text: str
    """trafilatura's text after its fallbacks, in normal form (`newsflow.text.normalize_text`)."""
    final_body: Any
    """The element that text was read from."""
    own_text: str | None
    """Its own extraction (its first `extract_content`) before any fallback replaced it, normalised;
    None when the hook that keeps it is missing."""
    own_body: Any
    """That extraction's element, or None."""
    readability: Any
    """readability-lxml's output for the page (trafilatura runs it as a fallback), or None."""


def story_text(
    found: TrafilaturaOutputs, page: Any, html: str, *, title: str | None, author: str | None, description: str | None
) -> str:
    """The story's text in normal form ("" when every line went): `found` corrected by the rules, in order.
    `page` is the page's lxml tree and `html` its source; title, author and description are its metadata."""
    readability = readability_text(found.readability)
    elements = block_elements(found.readability)  # read by two rules: listed once
    blocks = blocks_of(elements)
    chosen = complete_story(choose_extraction(found.final_text, found.own_text, readability), blocks)
    chosen = join_inline_splits(chosen, (found.final_body, found.own_body), page)
    text = refined_text(drop_start_furniture(drop_furniture_lines(chosen, author), page), title, description, page)
    subheads = StoryHeadings(readability, page, found.final_body, found.own_body)
    text = drop_unconfirmed_lines(text, readability, subheads)
    text = drop_start_furniture(drop_unconfirmed_lines(text, json_ld_article_body(page), subheads), page)  # new head
    text = _unconfirmed_after_tail(text, drop_story_tail(text, readability, page), readability, subheads)
    text = drop_alt_captions(drop_caption_lines(text, found.readability), page)
    shares = [block.link_share for block in blocks]
    text = restore_dropped_paragraphs(text, [block.text for block in blocks], shares)
    text = restore_lost_subheads(text, elements, page, (found.final_text, found.own_text))
    text = restore_own_headlines(restore_lost_lists(text, elements, page, (found.final_text, found.own_text)), page)
    text = append_continuation(text, page)
    text = restore_standfirst(_head_after_summary_box(text, drop_summary_box(text, page), page), page, title)
    text = drop_offer_box(drop_reader_call(text, page), page)
    text = drop_excerpt_teasers(drop_author_box(text, page, html), page)
    text = drop_video_chrome(drop_embed_chrome(drop_link_hints(text, page), page), page)
    return drop_link_box_headings(text, page)


def _unconfirmed_after_tail(text: str, cut: str, readability: str | None, subheads: ShownHeadings) -> str:
    """`cut` (the text less its story tail) read again for short lines readability lacks, when the tail went: readers'
    comments after a stub story kept the whole text under the agreement at which such lines are read
    (`refine.CONFIRM_MIN_AGREEMENT`), and a cookie banner's line among the story's stayed (thirty-sixth pass)."""
    return cut if cut == text else drop_unconfirmed_lines(cut, readability, subheads)


def _head_after_summary_box(text: str, cut: str, page: Any) -> str:
    """`cut` (the text less a summary box) with its head read again for start furniture, when the box went: its label
    and points filled the head, so a fact box under it had too few rows there to be read as one (thirty-seventh
    pass)."""
    return cut if cut == text else drop_start_furniture(cut, page)


def refined_text(text: str, title: str | None, description: str | None, tree: Any) -> str:
    """trafilatura's normalised text, corrected with the page's title, lead and JSON-LD (newsflow.refine)."""
    text = drop_arrow_teasers(drop_marked_lines(article_body_rescue(text, tree, title)), tree)
    text = drop_related_tail(text, tree)
    text = drop_title_line(text, title, page_headlines(tree))
    return restore_lead(text, description, tree, title) if text else text


def readability_text(summary: Any) -> str | None:
    """readability-lxml's output as one line of text, or None when it has none."""
    return None if summary is None else (" ".join(" ".join(summary.itertext()).split()) or None)


def has_article_paragraph(text: str) -> bool:
    """Whether normalised text has a paragraph long enough to be an article's."""
    return any(word_count(line) >= MIN_PARAGRAPH_WORDS for line in text.split(PARAGRAPH_SEPARATOR))


def is_article_text(text: str) -> bool:
    """Whether normalised text is an article's: one long paragraph, or enough short sentences."""
    if has_article_paragraph(text):
        return True
    sentences = (line for line in text.split(PARAGRAPH_SEPARATOR) if _SENTENCE_END.search(line))
    return sum(word_count(line) >= SHORT_PROSE_WORDS for line in sentences) >= SHORT_PROSE_LINES
