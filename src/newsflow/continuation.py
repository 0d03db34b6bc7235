"""Story paragraphs that trafilatura's container left out, put back where the page has them.

Some pages cut an article's body into sibling blocks (an ad row, a newsletter box or a related
link between them), each its own `<div class="body articleBody">` with its own wrapper.
trafilatura takes one container and the story stops half-way (Rzeczpospolita, recall 0.49).
`append_continuation` finds the page's `<p>` elements that are lines of the text; when nearly all
of them sit in parents of one tag and class (whose own parents also share a tag and class), it
takes the other `<p>` in parents of that same kind (other parents than the story's, inside the
same `<article>`, if any) that the text lacks, and puts them back where the page has them. The
parent's parent keeps out teaser cards whose text box reuses the body's class; a parent with a
modifier class more or less (`-bottom-space`, `is-last`) is of the same kind.

Pure functions over normalised text and an lxml tree of the page (only its methods are used; lxml
is not imported). Chosen on the tune half of ../shared/corpora (docs/extraction.md, "Sixth pass,
text"). Readability's paragraphs the text lacks are put back by `readabilityblocks`, which shares
this module's text helpers (`element_text`, `paragraph_key`, `merged_lines`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from newsflow.refine import drop_marked_lines
from newsflow.text import (
    INVISIBLE_CHARACTERS,
    PARAGRAPH_SEPARATOR,
    REUSED_LINES,
    REUSED_TOKENS_CHARS,
    normalize_text,
    word_tokens,
)

MATCHED_MIN_PARAGRAPHS = 3
MATCHED_MIN_CHARACTERS = 25
SAME_PARENT_SHARE = 0.8
"""The story's paragraphs: at least MATCHED_MIN_PARAGRAPHS `<p>` of MATCHED_MIN_CHARACTERS characters
or more (a sentence, not a label; counted in characters, which needs no tokenizing) that are lines
of the text, of which SAME_PARENT_SHARE or more have parents of one tag and one
non-empty class, in parents of one tag and class."""
CONTINUATION_MIN_WORDS = 10
CONTINUATION_MAX_COVERED = 0.8
CONTINUATION_MIN_PARAGRAPHS = 2
CONTINUATION_MAX_SHARE = 1.5
"""A continuation: at least CONTINUATION_MIN_PARAGRAPHS paragraphs of CONTINUATION_MIN_WORDS words
or more, each with no line of the text holding CONTINUATION_MAX_COVERED of its distinct words, at most
CONTINUATION_MAX_SHARE times the text's words together (a whole other article is longer). One
paragraph of the story's class outside its containers is as often a promotion ("Here are more
perspectives…"). Tune half: fundus +0.002 (Rzeczpospolita 0.66 -> 0.89), others unchanged. The share was 0.5
until the twenty-eighth pass: a French or Spanish one-sentence paragraph shares half its distinct words (its
function words, its subject) with a long line of the story, and a split story's rest lost two of three
paragraphs; 0.8 is `completion.SHARED_MIN_COVERED`, what "the text has it" means there."""
LIST_MIN_MEAN_WORDS = 3
"""A list put back with a split story's rest (`_with_list_items`, `completion`) has items of this many words or more
on average: a story's list says things ("Cheaper tickets for pupils under 12"); a list of one- or two-word labels
is a share bar of buttons, a licence's terms ("Attribution", "Noncommercial": pix-bavaria, blind tune), a
spec sheet's names (twenty-eighth pass, review)."""

DROPPED_MAX_LINK_SHARE = 0.3
"""A paragraph that is this share of link text or more is a list of links (a teaser, a "read also" box), not
the story's (fourteenth pass): not put back, as a list item here (`_with_list_items`) nor as a paragraph
(`readabilityblocks.restore_dropped_paragraphs`)."""

Signature = tuple[str, str]
_SEPARATING = frozenset({"br", "p", "div", "li", "ul", "ol", "table", "tr", "td", "blockquote", "h1", "h2", "h3", "h4"})

CONTINUATION_MAX_ROUNDS = 4
"""`append_continuation` repeats its pass until one adds nothing (thirty-first pass): a pass adds paragraphs from
containers other than the story's own, those of the most common exact kind among the text's paragraphs, and the
added ones count in the next pass; where two exact kinds (nearly) tie they make the other kind the most common,
and the containers that were the story's own become its rest. A pass adds something only when the own kind changed
and a kind that was own and rest has nothing left, so few passes do; a page past this many is no split story."""


def append_continuation(text: str, tree: Any) -> str:
    """The text with the story's paragraphs from its other containers put back in page order: idempotent."""
    current = text
    for _ in range(CONTINUATION_MAX_ROUNDS):
        continued = _continued_once(current, tree)
        if continued == current:
            return current
        current = continued
    return text


def _continued_once(text: str, tree: Any) -> str:
    """One pass of `append_continuation`."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    line_of = {paragraph_key(line): index for index, line in enumerate(lines)}
    paragraphs = list(tree.iter("p"))
    matched = _matched(paragraphs, line_of)
    signature = _story_signature([paragraph for paragraph, _ in matched])
    if signature is None:
        return text
    found = _continuation(paragraphs, matched, signature, LineIndex(lines))
    if len(found) < CONTINUATION_MIN_PARAGRAPHS:
        return text
    if sum(len(word_tokens(paragraph)) for _, paragraph, _ in found) > CONTINUATION_MAX_SHARE * len(word_tokens(text)):
        return text
    return merged_lines(lines, _with_list_items(tree, found, dict(matched), set(line_of)))


def _with_list_items(
    tree: Any, found: list[tuple[int, str, Any]], position: dict[Any, int], keys: set[str]
) -> list[tuple[int, str]]:
    """The found paragraphs, with the items of a list that stands in a container they were found in, as
    trafilatura writes them ("- item"), in page order (twenty-eighth pass: a split story's rest lost its list); not
    a list of links, nor an item the text has."""
    containers = {element.getparent() for _, _, element in found}
    text_of = {element: (after, paragraph) for after, paragraph, element in found}
    merged: list[tuple[int, str]] = []
    after = -1
    for element in tree.iter("p", "li"):
        if element in position:
            after = position[element]
        elif element in text_of:
            after, paragraph = text_of[element]
            merged.append((after, paragraph))
        elif element.tag == "li" and _in_container(element, containers) and _says_things(element.getparent()):
            item = element_text(element)
            if item and _link_share(element, item) < DROPPED_MAX_LINK_SHARE and paragraph_key(f"- {item}") not in keys:
                merged.append((after, f"- {item}"))
    return merged


def _in_container(item: Any, containers: set[Any]) -> bool:
    listing = item.getparent()
    return listing is not None and listing.tag in ("ul", "ol") and listing.getparent() in containers


def _says_things(listing: Any) -> bool:
    return is_worded_list([element_text(item) for item in listing.iterchildren("li")])


def is_worded_list(items: Sequence[str]) -> bool:
    """Whether a list's items are LIST_MIN_MEAN_WORDS words or more on average (not labels)."""
    return bool(items) and sum(len(word_tokens(item)) for item in items) >= LIST_MIN_MEAN_WORDS * len(items)


def _link_share(element: Any, text: str) -> float:
    linked = sum(len(" ".join("".join(link.itertext()).split())) for link in element.iter("a"))
    return linked / len(text)


def _matched(paragraphs: list[Any], line_of: dict[str, int]) -> list[tuple[Any, int]]:
    """(paragraph, index of the text's line it is) for each `<p>` of the page that is a line of the text.

    The text of every `<p>` is read the quick way (its text nodes joined): a paragraph with a line
    break inside is two lines of the text and matches neither way."""
    matched = []
    for paragraph in paragraphs:
        raw = "".join(paragraph.itertext())
        if len(raw) < MATCHED_MIN_CHARACTERS:
            continue  # its key is never longer
        key = paragraph_key(raw)
        if len(key) >= MATCHED_MIN_CHARACTERS and key in line_of:
            matched.append((paragraph, line_of[key]))
    return matched


def _story_signature(matched: list[Any]) -> Signature | None:
    """The tag and class of the parent that holds nearly all of the story's paragraphs: the most common one,
    counting the parents of its kind with it (a split body's container with a modifier class: the text may hold
    some of its paragraphs already, which `complete_story` put back from readability's text)."""
    if len(matched) < MATCHED_MIN_PARAGRAPHS:
        return None
    signatures = [_signature(paragraph) for paragraph in matched]
    signature = Counter(signatures).most_common(1)[0][0]
    if signature is None or sum(_same_kind(found, signature) for found in signatures) < SAME_PARENT_SHARE * len(
            matched):
        return None
    return signature


def _continuation(
    paragraphs: list[Any], matched: list[tuple[Any, int]], signature: Signature, lines: LineIndex
) -> list[tuple[int, str, Any]]:
    """(index of the text's line it follows, or -1 before the first; its text; the paragraph) for each paragraph
    of the story's kind outside the story's containers, in page order."""
    position = dict(matched)  # lxml returns the same proxy for an element while one is referenced
    # the story's own containers: those of its exact kind; one of the kind with a modifier class that holds some of
    # the text's lines already (`complete_story` put them back from readability's) is the rest, and its other
    # paragraphs may still be missing (twenty-eighth pass: a split story's short paragraphs)
    parents = {paragraph.getparent() for paragraph in position if _signature(paragraph) == signature}
    articles = {_article_of(paragraph) for paragraph in position}
    found: list[tuple[int, str, Any]] = []
    after = -1
    for paragraph in paragraphs:
        if paragraph in position:
            after = position[paragraph]
            continue
        if not _same_kind(_signature(paragraph), signature) or paragraph.getparent() in parents:
            continue
        words = element_text(paragraph)
        if _article_of(paragraph) not in articles or not _is_new(words, lines):
            continue
        kept = drop_marked_lines(normalize_text(words))
        if kept:
            found.append((after, kept.replace(PARAGRAPH_SEPARATOR, " "), paragraph))
    return found


def _is_new(words: str, lines: LineIndex) -> bool:
    """A paragraph of CONTINUATION_MIN_WORDS words or more that no line of the text holds: not one
    of its lines, and no line with CONTINUATION_MAX_COVERED of its distinct words. (Until the seventh
    pass it counted the paragraph's words anywhere in the text; a long story has 60-75% of any
    paragraph's words somewhere, so a long story's continuation was never added.)"""
    return len(word_tokens(words)) >= CONTINUATION_MIN_WORDS and lines.best(words)[1] < CONTINUATION_MAX_COVERED


class LineIndex:
    """Which line of the text holds a paragraph, and how much of it (the share of the paragraph's
    distinct words in that one line): a long story shares most common words with any paragraph,
    so a paragraph is only "in the text" when one line has it."""

    def __init__(self, lines: list[str]) -> None:
        self.keys = {paragraph_key(line): index for index, line in enumerate(lines)}
        self.words = [frozenset(word_tokens(line)) for line in lines]

    def best(self, paragraph: str) -> tuple[int, float]:
        index = self.keys.get(paragraph_key(paragraph))
        if index is not None:
            return index, 1.0
        wanted = set(word_tokens(paragraph))
        if not wanted:
            return 0, 0.0
        shares = [len(wanted & words) / len(wanted) for words in self.words]
        best = max(range(len(shares)), key=shares.__getitem__)
        return best, shares[best]


def merged_lines(lines: list[str], found: list[tuple[int, str]]) -> str:
    """The text's lines with each found paragraph after the line of its index (-1: before the first)."""
    before = [paragraph for after, paragraph in found if after < 0]
    merged = list(before)
    for index, line in enumerate(lines):
        merged.append(line)
        merged.extend(paragraph for after, paragraph in found if after == index)
    return normalize_text(PARAGRAPH_SEPARATOR.join(merged))


def _signature(paragraph: Any) -> Signature | None:
    """The tag and class of the paragraph's parent and of the parent's parent, when the parent has a class."""
    parent = paragraph.getparent()
    if parent is None or not isinstance(parent.tag, str) or not (parent.get("class") or "").strip():
        return None
    grandparent = parent.getparent()
    return (_tag_and_class(parent), _tag_and_class(grandparent) if grandparent is not None else "")


def _same_kind(found: Signature | None, story: Signature) -> bool:
    """Whether a paragraph's parents are of the story's kind: the same tag and class for the parent's parent,
    and for the parent the same tag with class words one of which holds the other's. A template marks one
    container of a split body with a modifier class of its own (twentieth pass: Rzeczpospolita's last
    `div.body.articleBody` lacks the others' `-bottom-space`, and its story paragraphs stayed out)."""
    if found is None or found[1] != story[1]:
        return False
    if found[0] == story[0]:
        return True
    tag, *words = found[0].split(".")
    story_tag, *story_words = story[0].split(".")
    shorter, longer = sorted((set(words), set(story_words)), key=len)
    return tag == story_tag and shorter <= longer


def _tag_and_class(element: Any) -> str:
    return f"{element.tag}.{'.'.join((element.get('class') or '').split())}"


def _article_of(paragraph: Any) -> Any:
    return next(paragraph.iterancestors("article"), None)


def element_text(element: Any) -> str:
    """An element's text as a reader sees it: inline tags join words ("<b>W</b>ort" is "Wort"),
    line breaks and blocks inside it separate them."""
    return " ".join(_joined_text(element).split())


def _joined_text(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):  # comments and processing instructions add only their tail
            separator = " " if child.tag in _SEPARATING else ""
            parts += [separator, _joined_text(child), separator]
        parts.append(child.tail or "")
    return "".join(parts)


def paragraph_key(line: str) -> str:
    """A line or a paragraph's text as normalize_text would write it (NFC, no invisible characters,
    spaces collapsed): string methods only, several times cheaper than tokenizing every `<p>` of a
    page. A short one's is kept: the rules key the same lines and paragraphs again (64% of the calls; perf51)."""
    return _short_paragraph_key(line) if len(line) < REUSED_TOKENS_CHARS else _paragraph_key(line)


def _paragraph_key(line: str) -> str:
    for invisible in INVISIBLE_CHARACTERS:  # what normalize_text removes
        if invisible in line:
            line = line.replace(invisible, "")
    return " ".join(unicodedata.normalize("NFC", line).split())


_short_paragraph_key = lru_cache(maxsize=REUSED_LINES)(_paragraph_key)
