"""A page parsed for extraction within bounds of size and depth that no real page comes near (red team 26).

Three hostile shapes cost extraction its time or a story its text; each bound keeps every character of text and
changes nothing on a page under it (`python -m bench.identity`: the 823 corpus pages identical):

- **Tags by the hundred thousand.** Every pass of trafilatura, htmldate, readability and newsflow's rules walks
  every element: `<i></i>` a million times (7 MB) took 25 s of a worker's CPU, near the 30 s limit. A page of
  over MANY_TAGS tags (the corpus's largest has 19,629) has its empty elements' tags dropped before the parse
  (their white space kept) and its runs of `<br>` made one, and, if it still has that many, its inline
  formatting tags stripped after it (their text kept, in C). A million `<i></i>` or `<br>`: 0.5-0.8 s.
- **Elements by the hundred thousand that are not empty** (red team 27): `<a href=/x>y</a>` 500,000 times (8 MB)
  took 37 s, past the 30 s limit, `<i>x</i>` a million times 19 s. On a page of over TAG_RUNS_FROM tags, each run of
  RUN_TAGS tags or more with no text of over SHORT_TEXT letters between two of them (a link farm, a navigation,
  list items, table cells, `<option>`s or SVG paths of a word or none) loses its middle before the parse: its
  first and last RUN_ENDS_KEPT tags stay (the wrappers of what is around it: a story's `<article><h1>`), the rest
  is no story. Found in C (a regex for the texts, counts and finds of `<` between them).
- **A JSON-LD block of megabytes that does not parse**: read by trafilatura's regexes and by htmldate's over the
  whole page source, 6.5-8.6 s at the 10 MB cap. Past JSON_LD_CAP it is cut to its first BROKEN_JSON_LD_KEPT
  characters, which are read as before; a block that parses is never cut.
- **A story nested past 255 levels** (a template that leaves its `<div>`s open in a loop). libxml2 stops there
  and drops the rest of the page: `extract_empty` every run, where browsers show it. Such a page (told by the
  parser's own error) is parsed again with `huge_tree` (2,048 levels), then flattened: below FLAT_DEPTH, the
  wrapper tags are stripped (their text and children kept), and if it is still deeper than MAX_DEPTH, every
  tag there. newsflow's and trafilatura's tree walks recurse, and met 1,000-deep markup as `RecursionError`
  (review of red team 25): after this, none walks deeper than MAX_DEPTH, under libxml2's own 255.

Only element methods here, and `newsflow.htmlparser`'s functions: lxml is imported there.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from newsflow.htmlparser import cut_at_depth_limit, deep_page_parser, page_parser, strip_tags

JSON_LD_CAP = 1_048_576
"""A JSON-LD block longer than this that does not parse is cut (the corpus's longest block: 841,049 bytes)."""
BROKEN_JSON_LD_KEPT = 65_536
MANY_TAGS = 100_000
"""Past this many `<` in a page, its empty elements and then its inline tags go (the corpus's most: 19,629)."""
TAG_RUNS_FROM = 50_000
"""Past this many `<` (2.5 times the corpus's most), runs of tags with no story text between them lose their middle:
under it, 24,000 one-word `<p>`s still cost 3 s (trafilatura's and htmldate's passes grow faster than the page)."""
SHORT_TEXT = 32
"""A text between two tags of at most this many letters (spaces aside) is no story's: a link's, a cell's, a word."""
RUN_TAGS = 200
"""A run of this many tags with only short texts between them loses its middle, on a page past TAG_RUNS_FROM."""
RUN_ENDS_KEPT = 32
_PARSER_STATE_MARKS = re.compile(r"<!--|-->|</?(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)\b",
                                 re.IGNORECASE)
_LONG_TEXT = re.compile(rf">[^<>]{{{SHORT_TEXT + 1},}}+<")  # a candidate story text: letters counted after
_EMPTY_TAGS = ("div|span|p|i|b|u|s|em|strong|small|big|font|center|section|aside|nav|header|footer|li|ul|ol|"
               "label|sup|sub|mark|abbr|cite|q|h[1-6]")
_EMPTY_ELEMENT = re.compile(rf"<({_EMPTY_TAGS})\b[^<>]*+>(\s*+)</\1\s*+>", re.IGNORECASE)
_LINE_BREAKS = re.compile(r"(?:<br\b[^<>]*+>\s*+){2,}", re.IGNORECASE)  # a run of them: one break reads the same
EMPTY_PASSES = 4
"""Nested empty elements go one level a pass; a page past that many levels of them keeps the rest."""
INLINE_TAGS = ("i", "b", "u", "s", "em", "strong", "small", "big", "font", "span", "mark", "abbr", "cite", "q",
               "sup", "sub", "tt", "ins", "del", "label", "center")
FLAT_DEPTH = 200
"""Below this depth, a page nested past libxml2's 255 levels loses its wrapper tags."""
MAX_DEPTH = 240
"""No element of a flattened page is deeper: newsflow's recursive walks meet what they meet on a normal page."""
WRAPPER_TAGS = ("div", "section", "article", "main", "aside", "header", "footer", "nav", "center", "span", "font",
                "b", "i", "em", "strong", "u", "s", "small", "big", "blockquote", "figure", "form", "label", "a",
                "ul", "ol", "dl", "table", "tbody", "tr", "td", "th")


_split = threading.local()


def texts_split() -> bool:
    """Whether the last tree this thread bounded had tags stripped: a text of it may then be several adjacent text
    nodes, which an XPath's `text()` reads one by one and `.text`/`.tail` as one (review of red team 27)."""
    return bool(getattr(_split, "texts", False))


def bounded_page_tree(html: str, load: Callable[[str], Any], use_parser: Callable[[Any], None]) -> Any:
    """The page's tree as `load` (trafilatura's `load_html`) gives it with the parser `use_parser` installs, within
    MANY_TAGS and MAX_DEPTH; None when it is no HTML."""
    _split.texts = False
    tags = html.count("<")
    if tags > TAG_RUNS_FROM:
        html = without_tag_runs(html)
    many = tags > MANY_TAGS
    if many:
        html = without_empty_elements(html)
    use_parser(page_parser())
    tree = load(html)
    if tree is not None and cut_at_depth_limit(page_parser()):
        use_parser(deep_page_parser())
        tree = flattened(load(html))
        _split.texts = True
    if tree is not None and many and html.count("<") > MANY_TAGS:
        strip_tags(tree, *INLINE_TAGS)
        _split.texts = True
    if tree is not None and len(html) > JSON_LD_CAP:
        cut_broken_json_ld(tree)
    return tree


def cut_broken_json_ld(tree: Any) -> None:
    """Cut to its first BROKEN_JSON_LD_KEPT characters each JSON-LD block over JSON_LD_CAP that does not parse:
    trafilatura reads such a block with regexes, and htmldate reads the whole page's source with its own,
    6.5-8.6 s for a block at the 10 MB cap (red team 25). Its first characters are still read as before (a
    block names its headline and author first); a block that parses is kept whole, whatever its size."""
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = script.text
        if text and len(text) > JSON_LD_CAP and not _parses(text):
            script.text = text[:BROKEN_JSON_LD_KEPT]


def _parses(text: str) -> bool:
    try:
        json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return False
    return True


def without_tag_runs(html: str) -> str:
    """`html` without the middle of each run of RUN_TAGS tags or more that has no text of over SHORT_TEXT letters
    between two of them; its first and last RUN_ENDS_KEPT tags kept, and every story text."""
    kept: list[str] = []
    run_start = 0
    for text in _LONG_TEXT.finditer(html):
        if len("".join(text.group().split())) - 2 > SHORT_TEXT:  # not white space padding
            kept.append(_run_ends(html[run_start:text.start() + 1]))
            run_start = text.start() + 1
    kept.append(_run_ends(html[run_start:]))
    return "".join(kept)


def _run_ends(run: str) -> str:
    """`run` (markup and short texts only), its middle cut when it holds RUN_TAGS tags or more."""
    if run.count("<") < RUN_TAGS:
        return run
    head_end, tail_start = -1, len(run)
    for _ in range(RUN_ENDS_KEPT):
        head_end = run.find(">", run.find("<", head_end + 1))
        tail_start = run.rfind("<", 0, tail_start)
    return run[:head_end + 1] + " " + _net_marks(run[head_end + 1:tail_start]) + run[tail_start:]


def _net_marks(middle: str) -> str:
    """The comment and raw-text openings and closings in a run's cut middle, in order, each opening followed by its
    closing cancelled: the parser leaves the cut in the state it would leave the whole run in (review: a run
    opening with a commented-out menu lost its `-->`, and the story after it became a comment)."""
    kept: list[str] = []
    for mark in _PARSER_STATE_MARKS.finditer(middle):
        token = mark.group().lower()
        opening = "<!--" if token == "-->" else "<" + token[2:] if token.startswith("</") else None
        if opening is not None and kept and kept[-1] == opening:
            kept.pop()
        else:
            kept.append(token)
    return "".join(token if token in ("<!--", "-->") else token + ">" for token in kept)


def without_empty_elements(html: str) -> str:
    """`html` without the tags of its empty elements (`<i></i>`, `<div class="x"> </div>`), their white space
    kept, nested ones up to EMPTY_PASSES deep, and each run of `<br>`s one `<br>`. Regex, in C: 0.3-1 s for 10 MB."""
    html = _LINE_BREAKS.sub("<br>", html)
    for _ in range(EMPTY_PASSES):
        html, dropped = _EMPTY_ELEMENT.subn(r"\2", html)
        if not dropped:
            break
    return html


def flattened(tree: Any) -> Any:
    """`tree` with nothing deeper than MAX_DEPTH: below FLAT_DEPTH its wrapper tags stripped, and if that is not
    enough, every tag; the text, and its order, kept."""
    if tree is None:
        return None
    for tags in (WRAPPER_TAGS, ("*",)):
        deep = _at_depth(tree, FLAT_DEPTH)
        for element in deep:
            strip_tags(element, *tags)
        if not _at_depth(tree, MAX_DEPTH):
            break
    return tree


def _at_depth(tree: Any, depth: int) -> list[Any]:
    """The elements `depth` levels below the root, found level by level (no element is visited twice)."""
    return list(tree.xpath("/".join(["*"] * depth)))
