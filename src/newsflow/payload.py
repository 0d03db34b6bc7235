"""The article body a page carries only in its scripts: hydration payloads of JavaScript front ends.

Pages built with Next.js, Nuxt, Arc XP (Fusion) and similar frameworks send the story twice: as
HTML and as data for the script that takes the page over in the browser (`__NEXT_DATA__`,
`self.__next_f.push(...)` chunks of a React Server Components stream, `window.__NUXT__`,
`Fusion.globalContent`, `window.__INITIAL_STATE__` ...). Some render only a shell in HTML and
leave the text to the script; trafilatura, which reads the HTML, then finds nothing. The text is
still in the page, as JSON string values: one string holding the body's HTML, or one string per
paragraph (content blocks, React elements), side by side in the payload.

`script_payload_text` reads those strings without knowing any framework: every double-quoted
string literal of the page's inline scripts (and, one level down, of strings that are themselves
JSON, as Server Components chunks are) is decoded; strings that read as prose are grouped into runs
of neighbours (a content-block array puts its paragraphs a few keys apart), and the run with the
most words is the candidate body. It is used only when trafilatura's text is missing or a stub
(`newsflow.refine.article_body_rescue`), so a page with its text in HTML never pays for it.
Pure standard library: the strings are found with a regular expression and decoded with `json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, normalize_text, token_f1, word_count, word_tokens

MIN_SCRIPT_CHARS = 200
"""Scripts shorter than this hold no article."""
MAX_SCRIPT_CHARS = 2_000_000
"""At most this much script text is read on one page (the largest script on the corpora is 0.85
MB), so a hostile page of endless strings costs a bounded time."""
MIN_LITERAL_CHARS = 30
"""String literals shorter than this are keys, ids and labels, never a paragraph."""
PROSE_MIN_WORDS = 6
PROSE_MIN_LETTERS = 0.7
"""A string reads as prose with at least PROSE_MIN_WORDS words and this share of letters among
its non-space characters (URLs, CSS, code and base64 have fewer or no spaces), and at most
PROSE_MAX_CODE_MARKS of them marks that prose hardly uses ("{}()[]=;<>|/\\_$#*+^~")."""
PROSE_MAX_CODE_MARKS = 0.02
RUN_MAX_GAP = 400
"""Two prose strings belong to one run (paragraphs of one body) when at most this many characters
of payload separate them: the keys, types and ids of a content-block array; a related story's URL,
image and metadata take more."""
BODY_MIN_PARAGRAPHS = 2
BODY_PARAGRAPH_WORDS = 15
BODY_TITLE_WORDS = 0.5
TITLE_LINE_F1 = 0.7
"""A line this close to the title (token F1) is the headline, which a payload keeps beside the body;
it does not count as the body speaking of the title."""
_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.){' + str(MIN_LITERAL_CHARS) + r',})"')
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CODE_MARKS = frozenset("{}()[]=;<>|/\\_$#*+^~")
_SKIPPED_TYPES = frozenset({"application/ld+json", "text/css", "text/template", "text/html"})
_CODE = re.compile(r"function\s*\(|=>|\{\s*\"?[\w$-]+\"?\s*:|\bvar\s|\bconst\s|;\s*\w+\s*=")
_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "figure"})
_SKIPPED_TAGS = frozenset({"script", "style", "figcaption", "iframe", "noscript"})


def script_payload_text(tree: Any, title: str | None) -> str | None:
    """The longest run of prose strings in the page's inline scripts that reads as the story
    under `title` (`reads_as_body`), as normalised text; None when there is none."""
    best: list[str] = []
    budget = MAX_SCRIPT_CHARS
    for script in tree.iterfind(".//script"):
        if script.get("src") or (script.get("type") or "").strip().lower() in _SKIPPED_TYPES:
            continue
        source = (script.text or "")[:budget]
        if len(source) < MIN_SCRIPT_CHARS:
            continue
        budget -= len(source)
        for run in _prose_runs(source, depth=1):
            if _words(run) > _words(best) and reads_as_body(run, title):
                best = run
    return PARAGRAPH_SEPARATOR.join(best) or None


def reads_as_body(lines: list[str], title: str | None) -> bool:
    """Whether a run of paragraphs can be the story: BODY_MIN_PARAGRAPHS paragraphs of
    BODY_PARAGRAPH_WORDS words or more and, when the page has a title, BODY_TITLE_WORDS of the
    title's words of four or more letters (a cookie notice, a comment form's messages or a list of
    other stories' teasers are prose too, about something else)."""
    long_lines = [line for line in lines if word_count(line) >= BODY_PARAGRAPH_WORDS]
    if len(long_lines) < BODY_MIN_PARAGRAPHS:
        return False
    title_words = {token for token in word_tokens(title or "") if len(token) >= 4}
    if not title_words:
        return True
    story = [line for line in lines if token_f1(line, title or "") < TITLE_LINE_F1]  # not the headline itself
    present = set(word_tokens(" ".join(story)))
    return len(title_words & present) >= BODY_TITLE_WORDS * len(title_words)


def _prose_runs(source: str, depth: int) -> Iterator[list[str]]:
    """Runs of neighbouring prose strings in a script (or a decoded JSON string), in source order.

    A string that is itself JSON is read one level down (while `depth` lasts), and its runs are
    runs of their own."""
    run: list[str] = []
    last_end = -RUN_MAX_GAP - 1
    for match in _LITERAL.finditer(source):
        value = _decoded(match.group(1))
        if value is None:
            continue
        if depth > 0 and _is_json_text(value):
            yield from _prose_runs(value, depth - 1)
            continue
        lines = _prose_lines(value)
        if not lines:
            continue
        if match.start() - last_end > RUN_MAX_GAP and run:
            yield run
            run = []
        run.extend(lines)
        last_end = match.end()
    if run:
        yield run


def _decoded(literal: str) -> str | None:
    """The string a literal stands for; a lone surrogate escape ("\\ud83d" without its pair), which
    no UTF-8 text can hold, is left out."""
    try:
        value = json.loads(f'"{literal}"')
    except ValueError:
        return None
    return _LONE_SURROGATE.sub("", value) if isinstance(value, str) else None


def _is_json_text(value: str) -> bool:
    """A string that is itself a JSON document or a Server Components chunk (`2:["$","p",...]`)."""
    return value.count('"') >= 4 and ('":' in value or '","' in value)


def _prose_lines(value: str) -> tuple[str, ...]:
    """The paragraphs of a string when it reads as prose (HTML tags count as paragraph breaks)."""
    text = _html_text(value) if "<" in value and ">" in value else value
    text = normalize_text(text)
    if word_count(text) < PROSE_MIN_WORDS or _CODE.search(text) or text.startswith(("http://", "https://", "/")):
        return ()
    visible = [char for char in text if not char.isspace()]
    letters = sum(char.isalpha() for char in visible)
    marks = sum(char in _CODE_MARKS for char in visible)
    if letters < PROSE_MIN_LETTERS * len(visible) or marks > PROSE_MAX_CODE_MARKS * len(visible):
        return ()
    return tuple(text.split(PARAGRAPH_SEPARATOR))


def _words(lines: list[str]) -> int:
    return sum(word_count(line) for line in lines)


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
