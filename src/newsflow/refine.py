"""Corrections to trafilatura's text that use what else the page says: its title, its lead, its JSON-LD.

Pure functions over normalised text and an lxml tree of the page (as `trafilatura.utils.load_html`
returns it; only its methods are used here, so lxml is not imported). `extract_article` applies
them in this order; each was chosen on the tune half of ../shared/corpora and is measured on the
report half (docs/extraction.md, `python -m bench --only extraction`):

- `drop_title_line`: the headline repeated in the text's first lines, with the short lines above
  it (kicker, breadcrumbs), even when the page's <h1> words it differently from <title>;
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
from collections.abc import Container, Sequence
from difflib import SequenceMatcher
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from newsflow.jsonld import json_ld_strings
from newsflow.leadins import LEAD_IN_ENDS, LIST_ITEM_MARK, LeadIns
from newsflow.markedlines import BOILERPLATE_MARKERS as BOILERPLATE_MARKERS  # re-exported: the old home of these names
from newsflow.markedlines import NOTICE_PHRASES as NOTICE_PHRASES
from newsflow.markedlines import drop_marked_lines as drop_marked_lines
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

TITLE_LINE_MAX_WORDS = 40
TITLE_LINE_MIN_F1 = 0.7
"""A line is the headline again when its words and the title's overlap this much (token F1)."""
_TITLE_SEPARATOR = re.compile("\\s+[-|\u2013\u2014:\u00b7]\\s+")  # as newsflow.extract's site suffix
HEADED_TITLE_MIN_WORDS = 2
TITLE_EQUAL_MAX_WORDS = 120
STORY_BELOW_MIN_WORDS = 15  # storytext.MIN_PARAGRAPH_WORDS: a story's paragraph
"""A longer line is the headline only when its words are the title's, all of them: a Chinese or Japanese
headline of 75 characters counts 75 words (twenty-ninth pass)."""
HEADLINE_SEARCH_LINES = 4
ABOVE_HEADLINE_MAX_WORDS = 6
"""The headline is looked for in the first HEADLINE_SEARCH_LINES lines, below lines of at most
ABOVE_HEADLINE_MAX_WORDS words (a kicker, breadcrumb items, "FAQ"), which go with it."""
MAX_HEADLINES = 5
MAX_HEADLINE_DROPS = 2
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


def drop_title_line(text: str, title: str | None, headlines: Sequence[str] = ()) -> str:
    """The text without the line that repeats the title (it is stored on its own), and without the
    short lines above it (kicker, breadcrumb, a label such as "FAQ"): page chrome over the headline.

    The headline is looked for in the first HEADLINE_SEARCH_LINES lines, under short lines only
    (ABOVE_HEADLINE_MAX_WORDS words each), and is recognised by its words (title, token F1 >=
    TITLE_LINE_MIN_F1) or as one of the page's own <h1> texts (`page_headlines`), which may word
    the story differently from the <title> written for search engines. Some pages show the
    headline twice (the story's and a teaser's, "FAQ" between them): a second one right below
    goes too (at most MAX_HEADLINE_DROPS).
    """
    for _ in range(MAX_HEADLINE_DROPS):
        lines = text.split(PARAGRAPH_SEPARATOR)
        found = _headline_index(lines, title, headlines)
        if found is None:
            break
        text = PARAGRAPH_SEPARATOR.join(lines[found + 1 :])
    return text


def _headline_index(lines: list[str], title: str | None, headlines: Sequence[str]) -> int | None:
    for index, line in enumerate(lines[:HEADLINE_SEARCH_LINES]):
        if index + 1 < len(lines) and _is_headline(line, title, headlines) and _story_below(line, lines[index + 1 :]):
            return index
        if word_count(line) > ABOVE_HEADLINE_MAX_WORDS:
            break
    return None


def _story_below(line: str, below: list[str]) -> bool:
    """A long line taken for the headline (a CJK one, TITLE_EQUAL_MAX_WORDS) goes only when a story paragraph
    follows: a flash whose title is its one paragraph keeps it (a page of short lines is no article)."""
    return word_count(line) <= TITLE_LINE_MAX_WORDS or any(word_count(rest) >= STORY_BELOW_MIN_WORDS for rest in below)


def _is_headline(line: str, title: str | None, headlines: Sequence[str]) -> bool:
    if word_count(line) > TITLE_LINE_MAX_WORDS:  # a CJK headline counts a word a character: it may be the title
        return word_count(line) <= TITLE_EQUAL_MAX_WORDS and word_tokens(line) == word_tokens(title or "")
    folded = " ".join(word_tokens(line))
    if any(folded == " ".join(word_tokens(headline)) for headline in headlines):
        return True
    if not title:
        return False
    return line.casefold() == title.casefold() or token_f1(line, title) >= TITLE_LINE_MIN_F1


def title_without_suffix(
    title: str | None, headlines: Sequence[str], sitename: str | None = None, beside: Sequence[str] = ()
) -> str | None:
    """"Headline | Site Politics" -> "Headline" when one of the page's <h1> texts is the part before a spaced
    separator: what follows is a site's, a section's or a view's name that the page's own headline leaves out
    (twenty-ninth pass: og:title keeps it, and trafilatura prefers og:title). Only when that part has
    HEADED_TITLE_MIN_WORDS words or more and what follows no more: "Brexit: the deal …" under an <h1> "Brexit"
    keeps its words. `headlines` are the story's (`story_headlines`: no logo), and a part that is the site's name
    is never the title ("The Daily Tribune | Ferry pier closes"), nor is one whose rest is a heading set beside an
    <h1> (`headings_beside`: a kicker <h1> "Ukraine war live" over its headline <h2>, review)."""
    if not title or not headlines:
        return title
    shown = {tuple(word_tokens(headline)) for headline in headlines}
    site = tuple(word_tokens(sitename or ""))
    besides = {tuple(word_tokens(heading)) for heading in beside}
    longest, total = max(len(tokens) for tokens in shown), len(word_tokens(title))
    head: tuple[str, ...] = ()
    start = 0
    for separator in _TITLE_SEPARATOR.finditer(title):  # the head grows piece by piece: linear (review)
        head += tuple(word_tokens(title[start : separator.start()]))
        start = separator.end()
        if len(head) > longest:
            break
        if len(head) >= HEADED_TITLE_MIN_WORDS and total - len(head) <= len(head) and head in shown and head != site:
            return title if besides and tuple(word_tokens(title[start:])) in besides else title[: separator.start()]
    return title


def headings_beside(tree: Any) -> list[str]:
    """The texts of the <h2>/<h3> set right after an <h1> (an <hgroup>'s or a kicker's headline)."""
    found = []
    for h1 in tree.iterfind(".//h1"):
        after = h1.getnext()
        if after is not None and after.tag in ("h2", "h3"):
            found.append(" ".join(" ".join(after.itertext()).split()))
        if len(found) == MAX_HEADLINES:
            break
    return found


def story_headlines(tree: Any) -> list[str]:
    """The page's <h1> texts that are no site logo: none in the page's own <header> or <nav> (an <article>'s
    <header> is the story's), none holding a link to the site's home page."""
    found = []
    for h1 in tree.iterfind(".//h1"):
        ancestors = [element.tag for element in h1.iterancestors()]
        page_header = any(tag in ("header", "nav") for tag in ancestors) and not any(
            tag in ("article", "main") for tag in ancestors
        )
        if page_header or any(_is_home_link(anchor.get("href")) for anchor in h1.iterfind(".//a")):
            continue
        found.append(" ".join(" ".join(h1.itertext()).split()))
        if len(found) == MAX_HEADLINES:
            break
    return found


def _is_home_link(href: str | None) -> bool:
    parts = urlsplit((href or "#").strip())
    return parts.path in ("", "/") and not parts.query and not parts.fragment


def page_headlines(tree: Any) -> list[str]:
    """The texts of the page's <h1> elements (most pages have one: the story's headline)."""
    return [" ".join(" ".join(h1.itertext()).split()) for h1 in tree.iterfind(".//h1")][:MAX_HEADLINES]


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
    if _is_headline(lead, title, page_headlines(tree)):
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
