"""Corrections to trafilatura's text that use what else the page says: its title, its lead, its JSON-LD.

Pure functions over normalised text and an lxml tree of the page (as `trafilatura.utils.load_html`
returns it; only its methods are used here, so lxml is not imported). `extract_article` applies
them in this order; each was chosen on the tune half of ../shared/corpora and is measured on the
report half (docs/extraction.md, `python -m bench --only extraction`):

- `drop_title_line`: the headline repeated in the text's first lines, with the short lines above
  it (kicker, breadcrumbs), even when the page's <h1> words it differently from <title>
  (in `newsflow.titleline`, split from here in the thirty-seventh pass);
- `restore_lead`: the lead (standfirst) that the page shows above the body and that
  trafilatura left out, found as the page's description shown in the page's own text;
- `article_body_rescue`: JSON-LD `articleBody`, else the story a script payload carries
  (`newsflow.payload`), when trafilatura found no article or a stub of one (pages that render
  their text from scripts);
- `drop_marked_lines`: "Read more: …", "Czytaj też: …", "PUEDES VER: …" and other lines that a
  boilerplate marker opens (links to other stories, newsletter calls, calls to the reader such as
  "Got a story?"), the linked headline after a bare marker, and the page's notices to its reader
  (`newsflow.markedlines`, split from here in tidy21; its public names are re-exported here);
- `drop_related_tail`: a block of other stories' teasers at the end of the text, from its heading
  ("More from …", "Popular", "You might also like", "Meistgelesen") on;
- `drop_unconfirmed_lines`: short lines that a second opinion does not have, when the two
  agree on the rest: captions, credits, teasers. The second opinions are readability-lxml's
  extraction of the page, which trafilatura computes anyway, then the page's JSON-LD
  `articleBody`, whose silence about a subhead readability shows says nothing (`newsflow.subheads`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any

from newsflow.jsonld import json_ld_strings
from newsflow.leadins import LEAD_IN_ENDS, LIST_ITEM_MARK, LeadIns
from newsflow.markedlines import BOILERPLATE_MARKERS as BOILERPLATE_MARKERS  # re-exported: the old home of these names
from newsflow.markedlines import NOTICE_PHRASES as NOTICE_PHRASES
from newsflow.markedlines import drop_marked_lines as drop_marked_lines
from newsflow.pagememo import per_page
from newsflow.payload import script_payload_text
from newsflow.subheads import is_subhead
from newsflow.text import (
    PARAGRAPH_SEPARATOR,
    normalize_text,
    normalized_line,
    token_f1,
    word_count,
    word_tokens,
)
from newsflow.titleline import is_headline, page_headlines

LEAD_MIN_WORDS = 8
LEAD_MAX_COVERED = 0.9
"""A lead is restored only when no line (or two adjacent lines) of the text has more than this
share of its words."""
LEAD_RUN_MAX_RATIO = 1.25
"""Nor when a run of three or more adjacent lines, together at most this many times the lead's words,
says more than LEAD_MAX_COVERED of its words in their order: a description written as the story's
first paragraphs joined, or as the whole story (twenty-sixth text pass: on 6 sites of 1,000 unseen
pages the story's opening, or all of it, was in the text twice)."""
LEAD_RUN_MAX_ORDER_CHECKS = 8
"""Runs whose words hold the lead's but whose order is checked and found wanting, before the lead is
taken as missing: each check compares the lead with the run word by word."""
TRUNCATED_LEAD_MAX_RATIO = 3
"""A description cut short ("…") stands for the page's paragraph it begins, when that paragraph
has at most this many times its words (plus five): not a whole article body that starts alike."""
STUB_WORDS = 50
RESCUE_MIN_RATIO = 3.0
"""articleBody replaces a text under STUB_WORDS words only when it is this many times longer."""
RELATED_HEADINGS = (
    "more from", "more stories", "more news", "most read", "most popular", "popular", "related", "recommended",
    "you may also like", "you might also like", "read next", "trending", "top stories", "latest news",
    "meistgelesen", "das könnte sie auch interessieren", "weitere artikel", "mehr aus", "lo más leído",
    "más noticias", "más leídas", "les plus lus", "à lire aussi", "najczęściej czytane", "więcej z",
    "mais lidas", "i più letti", "mest lest", "mest läst",
    # ninth pass: the same headings in more wordings and languages (issue 15)
    "related posts", "related articles", "similar posts", "more articles", "you may also be interested",
    "empfohlene beiträge", "empfohlene artikel", "weitere beiträge", "ähnliche artikel", "ähnliche beiträge",
    "verwandte artikel", "artículos relacionados", "noticias relacionadas", "articles similaires", "articoli correlati",
    "artigos relacionados", "notícias relacionadas", "powiązane artykuły", "gerelateerde artikelen", "lees ook",
)  # fmt: skip
RELATED_HEADING_MAX_WORDS = 6
RELATED_TAIL_MAX_WORDS = 40
RELATED_MIN_LINKED = 0.3
LINK_LINE_SHARE = 0.4
"""A heading of other stories ("More from The Nation", "Popular", "You might also like") in the
second half of the text ends the story when no line after it has more than RELATED_TAIL_MAX_WORDS
words and at least RELATED_MIN_LINKED of them are link texts of the page: what follows is teasers
(a linked headline, a one-line summary), not the story going on."""
CONFIRM_MIN_AGREEMENT = 0.9
"""Lines are checked against readability's text only when the two texts agree this much (token F1)."""
UNCONFIRMED_LINE_MAX_WORDS = 20
UNCONFIRMED_MAX_COVERED = 0.7
"""A line of at most UNCONFIRMED_LINE_MAX_WORDS words is dropped when under this share of its
words are in readability's text."""
_RELATED = re.compile(r"^\W*(?:" + "|".join(re.escape(heading) for heading in RELATED_HEADINGS) + r")\b", re.IGNORECASE)
_TRUNCATED = re.compile(r"\s*(?:\.{2,}|…)$")
_STARTS_WITH = "//body//*[self::p or self::div or self::h2 or self::span][starts-with(normalize-space(.), $prefix)]"
_VISIBLE_TEXT = "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


def drop_related_tail(text: str, tree: Any) -> str:
    """The text without a block of other stories' teasers at its end, from its heading on (see
    RELATED_HEADINGS): only when the lines after the heading are short and RELATED_MIN_LINKED of
    them are the page's links (teaser headlines link to their stories; a story that goes on after
    a "Most read in Football" widget's heading is not linked text)."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    for index in range(len(lines) // 2, len(lines)):
        line = lines[index]
        if word_count(line) <= RELATED_HEADING_MAX_WORDS and _RELATED.match(line):
            after = lines[index + 1 :]
            if all(word_count(line) <= RELATED_TAIL_MAX_WORDS for line in after) and _mostly_linked(after, tree):
                return PARAGRAPH_SEPARATOR.join(lines[:index])
    return text


def _mostly_linked(lines: list[str], tree: Any) -> bool:
    """Whether RELATED_MIN_LINKED of the lines are for LINK_LINE_SHARE or more a link's text (of two
    words or more)."""
    if not lines:
        return True
    anchors = [" ".join(word_tokens(" ".join(anchor.itertext()))) for anchor in tree.iterfind(".//a")]
    anchors = [anchor for anchor in anchors if anchor.count(" ") >= 1]
    linked = 0
    for line in lines:
        folded = " ".join(word_tokens(line))
        linked += any(anchor in folded and len(anchor) >= LINK_LINE_SHARE * len(folded) for anchor in anchors)
    return linked >= RELATED_MIN_LINKED * len(lines)


def restore_lead(text: str, description: str | None, tree: Any, title: str | None = None) -> str:
    """The page's lead as the first paragraph, when the page shows it and the text lacks it.

    A description that is the headline again (some pages give their title as description) is
    not a lead."""
    lead = normalize_text(description or "").replace(PARAGRAPH_SEPARATOR, " ")
    if word_count(lead) < LEAD_MIN_WORDS or lead_in_text(lead, text):
        return text
    if is_headline(lead, title, page_headlines(tree)):
        return text
    shown = _shown_lead(lead, tree)
    if shown is None or lead_in_text(shown, text):
        return text  # only in <meta> or JSON-LD: a summary written for search engines, not the page's lead
    return f"{shown}{PARAGRAPH_SEPARATOR}{text}"


def _shown_lead(lead: str, tree: Any) -> str | None:
    """The lead as the page shows it: the description itself, or, when the description is cut
    short ("…", "..."), the whole paragraph of the page that it begins."""
    cut = _TRUNCATED.sub("", lead)
    if cut == lead:
        return lead if lead in _visible_text(tree) else None
    if word_count(cut) < LEAD_MIN_WORDS:
        return None
    shown = tree.xpath(_STARTS_WITH, prefix=cut)
    texts = [normalize_text(" ".join(element.itertext())).replace(PARAGRAPH_SEPARATOR, " ") for element in shown]
    fitting = [text for text in texts if word_count(text) <= TRUNCATED_LEAD_MAX_RATIO * word_count(cut) + 5]
    return min(fitting, key=len, default=None)


def article_body_rescue(text: str, tree: Any, title: str | None = None) -> str:
    """The page's own copy of the story in place of a missing or stub text, when it is much longer:
    JSON-LD `articleBody`, else the body a script payload carries (`newsflow.payload`)."""
    words = word_count(text)
    if words >= STUB_WORDS:
        return text
    for body in (normalize_text(json_ld_article_body(tree) or ""), script_payload_text(tree, title) or ""):
        body_words = word_count(body)
        if body_words >= STUB_WORDS and body_words >= RESCUE_MIN_RATIO * words:
            return body
    return text


def json_ld_article_body(tree: Any) -> str | None:
    """The longest `articleBody` string in the page's JSON-LD blocks."""
    return max(json_ld_strings(tree, "articleBody"), key=len, default=None)


@per_page
def lead_in_text(lead: str, text: str) -> bool:
    """Whether one line of the text (or two adjacent ones) holds most of the lead's words: the lead
    is there already, maybe as the start of the first paragraph. Counted over single lines, not the
    whole text, since a lead's common words are always somewhere in a long story; and over runs of
    adjacent lines about as long as the lead, in its order (`_lead_in_run`)."""
    tokens = word_tokens(lead)  # each line tokenized once: a pair's words are its two lines' words
    line_tokens = [word_tokens(line) for line in text.split(PARAGRAPH_SEPARATOR)]
    lines = [set(line) for line in line_tokens]
    windows = [*lines, *(first | second for first, second in pairwise(lines))]
    return any(_covered(tokens, window) > LEAD_MAX_COVERED for window in windows) or _lead_in_run(tokens, line_tokens)


def _lead_in_run(tokens: list[str], line_tokens: list[list[str]]) -> bool:
    """Whether three or more adjacent lines, about as long as the lead, say it in its order. The run's
    length is bounded so that a short lead's common words, which any long stretch of a story has, do
    not count; the order is checked (after the cheap share of words) so that short lines holding the
    lead's words in another order do not either. One window slides over the lines, the longest run
    within the bound from each line, its share of the lead's words kept as lines enter and leave it,
    and the order is checked at most LEAD_RUN_MAX_ORDER_CHECKS times: linear in the text, whatever the
    lead's length (a 2,000-word description over 5,000 short lines took 245 s when each run was
    counted again from its first line)."""
    limit = LEAD_RUN_MAX_RATIO * len(tokens)
    wanted = Counter(tokens)
    in_window: Counter[str] = Counter()
    covered = length = end = checks = 0
    for start, first_line in enumerate(line_tokens):
        if end == start and len(first_line) > limit:
            end += 1  # a line longer than the bound starts no run
            continue
        while end < len(line_tokens) and length + len(line_tokens[end]) <= limit:
            for token in line_tokens[end]:
                in_window[token] += 1
                covered += wanted[token] if in_window[token] == 1 else 0
            length += len(line_tokens[end])
            end += 1
        if end - start >= 3 and covered > LEAD_MAX_COVERED * len(tokens):
            checks += 1
            if _in_order(tokens, [token for line in line_tokens[start:end] for token in line]):
                return True
            if checks == LEAD_RUN_MAX_ORDER_CHECKS:
                return False
        for token in first_line:
            in_window[token] -= 1
            covered -= wanted[token] if in_window[token] == 0 else 0
        length -= len(first_line)
    return False


def _in_order(tokens: list[str], run: list[str]) -> bool:
    matched = sum(block.size for block in SequenceMatcher(None, tokens, run, autojunk=False).get_matching_blocks())
    return matched > LEAD_MAX_COVERED * len(tokens)


_lead_in_text = lead_in_text  # the name tests/test_extract_shortcuts.py checks it by


def _covered(tokens: list[str], present: set[str]) -> float:
    return sum(map(present.__contains__, tokens)) / len(tokens) if tokens else 1.0  # counted in C (speed17)


def _visible_text(tree: Any) -> str:
    return normalized_line("".join(tree.xpath(_VISIBLE_TEXT, smart_strings=False)))


def drop_unconfirmed_lines(text: str, second_opinion: str | None, headings: Container[str] = frozenset()) -> str:
    """The text without short lines that a second extraction of the page, agreeing on the rest, lacks.

    Captions, photo credits and teasers inside the article container are kept by trafilatura and
    left out by readability-lxml; when the two texts agree (token F1 >= CONFIRM_MIN_AGREEMENT), a
    short line mostly made of words readability does not have is one of those. A line that is one
    of `headings` between two story paragraphs is a subhead and stays (`newsflow.subheads`). The items
    of a list under a lead-in line that ends in a colon ("The council set four conditions:") and that the second
    opinion has as a line stay (`newsflow.leadins`; thirty-second pass and its review).
    """
    if not second_opinion or token_f1(text, second_opinion) < CONFIRM_MIN_AGREEMENT:
        return text
    confirmed = set(word_tokens(second_opinion))
    lines = text.split(PARAGRAPH_SEPARATOR)
    kept = []
    lead_ins, listed = LeadIns(second_opinion), False  # listed: the line is in a list under a confirmed lead-in
    for index, line in enumerate(lines):
        tokens = word_tokens(line)
        covered = sum(map(confirmed.__contains__, tokens))  # counted in C (speed17)
        is_item = line.startswith(LIST_ITEM_MARK)
        listed = listed and is_item
        if (tokens and len(tokens) <= UNCONFIRMED_LINE_MAX_WORDS and covered < UNCONFIRMED_MAX_COVERED * len(tokens)
                and not listed and not (headings and is_subhead(lines, index, headings))):
            continue
        kept.append(line)
        if not is_item and line.endswith(LEAD_IN_ENDS):
            listed = lead_ins.opens_list(lines, index)
    return PARAGRAPH_SEPARATOR.join(kept)
