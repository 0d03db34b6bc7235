"""The page's headline and the texts after it that may be its byline, found once per page.

`page_headline` is the page's `<h1>` closest to its title; `byline_texts` the first
TEXTS_AFTER_HEADLINE text nodes after it, and `byline_lines` those texts' lines that are not prose (nor, twenty-fourth
pass, a piece of a sentence that a link split):
what the date rules (`newsflow.headline_date`, `newsflow.kickerdates`) read. Texts in photo captions
(`<figcaption>`, a "caption" class) are not the byline and are skipped, and (seventh pass) neither are
texts in other stories' blocks (a related list, a sidebar, `<aside>`, `<nav>`, `<footer>`), outside the
headline's `<article>`, or the story's prose (`newsflow.pageblocks`), nor (twenty-second pass) texts past the
end of a story without `<article>` (`story_wrapper_depth`). Split from `newsflow.headline_date`
in tidy21, which still exports these names. Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

from newsflow.liveposts import in_live_post
from newsflow.pageblocks import (
    INLINE_TAGS,
    MIN_HEADLINE_F1,
    bounded_text,
    common_ancestor,
    elsewhere,
    headline_ancestors,
    is_prose,
    other_stories_block,
    page_titles,
    text_element,
)
from newsflow.sitechrome import in_site_chrome, site_bar
from newsflow.text import covers_tokens, token_f1

TEXTS_AFTER_HEADLINE = 12
"""How many non-empty text nodes after the headline are read: the byline block, not the story."""
MAX_TEXT_CHARS = 100
_FOLLOWING_TEXTS = (
    f"following::text()[normalize-space()][not(ancestor::script) and not(ancestor::style)]"
    f"[position() <= {TEXTS_AFTER_HEADLINE}]"
)


def page_headline(tree: Any) -> Any:
    """The page's headline (`_headline`), found once per page with the texts after it; None without one."""
    return _byline_texts(tree)[0]


def byline_texts(tree: Any) -> list[Any]:
    """The texts after the headline that `headline_date` and `byline_time` read (`_byline_texts`)."""
    return _byline_texts(tree)[1]


def byline_lines(tree: Any) -> list[str]:
    """The byline texts' lines that are not prose; kept with the texts they come from, as five date
    rules read them on each page (perf12). Callers only read the list."""
    global _last_lines
    texts = _byline_texts(tree)[1]
    if _last_lines is None or _last_lines[0] is not texts:
        lines = [(" ".join(str(text).split()), text) for text in texts]
        _last_lines = (texts, [line for line, text in lines
                               if len(line) <= MAX_TEXT_CHARS and not is_prose(line) and not _in_a_sentence(text)])
    return _last_lines[1]


_last_lines: tuple[list[Any], list[str]] | None = None
SENTENCE_WORDS_BEFORE = 5
"""A piece of a paragraph is a sentence's when this many of the paragraph's words come before it (review of rule 3)."""
SENTENCE_CHARS = 2_000
"""A block's text read to tell whether a piece of it is a sentence's: a story's paragraph, not a byline's block."""


def _in_a_sentence(text: Any) -> bool:
    """Whether a text is a piece of a sentence that links or emphasis split into several text nodes ("… die den am
    28.12.2012 in Kraft getretenen <a>§ 1631d</a> …": twenty-fourth pass, an event's day read as the byline's): the
    paragraph it sits in, past its inline elements, reads as prose as a whole (`pageblocks.is_prose`), and the piece
    does not open it."""
    block = text_element(text)
    if not text.is_tail and block.tag in INLINE_TAGS and len(block) == 0:
        return False  # set apart in its own element (`<time>`, `<b>`, `<span class="date">`): a byline's day (review)
    while block.tag in INLINE_TAGS and block.getparent() is not None:
        block = block.getparent()
    if block.tag != "p":
        return False  # a `<div>` may hold a byline's line and the story's text with no paragraph between them
    whole = bounded_text(block, SENTENCE_CHARS)
    if whole is None or len(whole) <= len(text) or not is_prose(" ".join(whole.split())):
        return False
    # a byline written as a sentence opens its paragraph ("Published <span>10 March 2026</span> by <a>Jane Doe</a>,
    # who covers …"); an event's day sits further in, after words of the story's
    return len(whole[:max(whole.find(str(text).strip()), 0)].split()) >= SENTENCE_WORDS_BEFORE


def in_other_block(tree: Any, element: Any, site_bars: bool = True) -> bool:
    """Whether an element of the page is in a block of other stories: a related list, a sidebar,
    an `<aside>`, `<nav>` or `<footer>` outside the headline's `<article>` (`pageblocks`; not a
    caption, nor anything else outside the article after the headline: a breadcrumb there may date the
    story), or (eighteenth pass) the site's bar before the headline (`sitechrome.site_bar`). False on a
    page without a headline. `site_bars` False reads the site's bar as the story's (review: a byline above
    the `<article>` is such a block too; `extractdates._dated_again`)."""
    headline = _byline_texts(tree)[0]
    if headline is None:
        return False
    ancestors, article = headline_ancestors(headline)
    return other_stories_block(element, ancestors, article) or (site_bars and site_bar(element, ancestors, article))


_last_page: tuple[weakref.ref[Any], Any, list[Any], int | None] | None = None
"""The tree _byline_texts last read, its headline, the texts after it and its story's wrapper without
`<article>` (`story_wrapper_depth`): several date rules read them, and the `following::` search is the costly part."""


def story_wrapper_depth(tree: Any) -> int | None:
    """On a page without `<article>`, how far above the headline the story's wrapper is (`_before_story_end`:
    the nearest ancestor holding the headline and the last sentence of prose after it); None on a page with
    an `<article>` or without a sentence of prose in the byline's reach (twenty-second pass)."""
    _byline_texts(tree)
    return _last_page[3] if _last_page is not None else None


def _byline_texts(tree: Any) -> tuple[Any, list[Any]]:
    """The page's headline and the text nodes after it that could be its byline: not photo captions,
    not blocks of other stories (`_elsewhere`), nor (without `<article>`) past the story's end."""
    global _last_page
    if _last_page is not None and _last_page[0]() is tree:
        return _last_page[1], _last_page[2]
    headline = _headline(tree)
    texts, wrapper = [], None
    if headline is not None:
        positions, article = headline_ancestors(headline)
        following = islice(_texts_after(headline), TEXTS_AFTER_HEADLINE)
        texts = _without_event_boxes([text for text in following if not elsewhere(text, positions, article)
                                      and not in_live_post(text_element(text))], positions)
        if article >= len(positions):
            texts, wrapper = _before_story_end(texts, positions)
    _last_page = (weakref.ref(tree), headline, texts, wrapper)
    return headline, texts


_PROSE_BEFORE_EVENT_BOX = 2


def _without_event_boxes(texts: list[Any], positions: dict[Any, int]) -> list[Any]:
    """The texts but those in an event box (`in_event_box`) after the story's text has begun: two paragraphs of
    prose read before it (review: a site that names its byline's block, or its story's wrapper, for events,
    "event-meta", "agenda-article", prints its byline before the story; the event box comes after it)."""
    kept: list[Any] = []
    prose: set[Any] = set()
    for text in texts:
        element = text_element(text)
        if len(prose) >= _PROSE_BEFORE_EVENT_BOX and in_event_box(element, positions):
            continue
        kept.append(text)
        if element not in positions and is_prose(" ".join(element.text_content().split())):  # not the story's whole
            prose.add(element)
    return kept


_EVENT_BOX = re.compile(r"(?<![a-z])(?:event|termin|veranstaltung|evento|[ée]v[ée]nement|agenda)", re.IGNORECASE)
_EVENT_BOX_LEVELS, _EVENT_BOX_CHARS = 3, 400


def in_event_box(element: Any, positions: dict[Any, int]) -> bool:
    """Whether an element is in a box after the headline that its class or id names an event's ("event-info",
    "termin", "agenda"; not a live blog's "live-event"): its day is the event's, not the story's (twenty-seventh
    pass: a short story's event box in the byline's reach beat the URL's and a label's day). Any level below the
    block that holds the box and the headline (forty-first pass: themes wrap the box's body four to six levels
    deep), past three levels a short box only (its review), and not when that block is so named too: the site names its
    story's header so (caritas.de's "eventbox" around the headline and its "Erschienen am" day: a BBAW tune page)."""
    named, depth = False, 0
    while element is not None and element not in positions:
        # a long block far up is the story's body, not a box: a report on an event named "event-report"
        named = named or (names_an_event(element)
                          and (depth < _EVENT_BOX_LEVELS or bounded_text(element, _EVENT_BOX_CHARS) is not None))
        element, depth = element.getparent(), depth + 1
    return named and (element is None or not names_an_event(element))


def names_an_event(element: Any) -> bool:
    """Whether an element's class or id names an event's block (`_EVENT_BOX`), not a live blog's."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return _EVENT_BOX.search(names) is not None and "live" not in names.lower()


def _before_story_end(texts: list[Any], positions: dict[Any, int]) -> tuple[list[Any], int | None]:
    """The texts of a page without `<article>` that are not past its story's end (twenty-second pass), and the
    story's wrapper's distance above the headline (`_story_wrapper`): a text after the last sentence of prose
    among the texts and outside the wrapper is a bar's below the story (a ticker, a cookie notice, a weather
    widget printing today's date), not its byline."""
    last = next((index for index in range(len(texts) - 1, -1, -1) if _is_prose(texts[index])), None)
    wrapper = _story_wrapper(text_element(texts[last]), positions) if last is not None else None
    if wrapper is None and last is not None:  # twenty-third pass: the story's bounds as the links' texts count
        wrapper = _story_wrapper(text_element(texts[last]), positions, links_count=True)
    if last is None or wrapper is None:
        return texts, None
    inside = [text for text in texts[last + 1:] if common_ancestor(text_element(text), positions) <= wrapper]
    return texts[:last + 1] + inside, wrapper


STORY_GOES_ON_TEXTS = 40
"""How many texts after a wrapper are read for a sentence that shows the story goes on past it: on the six corpus
pages where the pass's first form (the nearest ancestor holding the sentence) cut the story's own texts, the next
sentence came 4 to 22 texts after that ancestor (22: Le Monde's header with its standfirst). Texts of fewer than
SHORT_TEXT_WORDS words are not counted (review: a video player's or share bar's 40 controls between the byline and
the story are no sign that the story has ended), nor (twenty-third pass) links' and captions' texts, up to
STORY_GOES_ON_MAX_TEXTS texts in all."""
SHORT_TEXT_WORDS = 4
STORY_GOES_ON_MAX_TEXTS = 200
MAX_BLOCK_CHARS = 3_000
"""A text's block (`_in_sentence`) longer than this is no paragraph: its text is not read as one."""


def _story_wrapper(sentence: Any, positions: dict[Any, int], links_count: bool = False) -> int | None:
    """How far above the headline the story's wrapper is: the nearest ancestor holding the headline and this
    sentence after which no sentence of the story's follows in the next STORY_GOES_ON_TEXTS texts (`_story_window`,
    `_story_sentence`).
    Not the nearest
    holding the sentence alone: a standfirst beside the headline in a hero (Le Monde's header) is followed,
    past the hero, by the byline and the story. None when only `<body>` is such an ancestor (a page of
    several stories, or one whose story runs past the byline's reach: its bounds are not known). Links' and
    captions' texts count towards the window only with `links_count` (`_story_window`): the caller's second try."""
    by_depth, blocks = sorted(positions, key=positions.__getitem__), dict[Any, bool]()
    depth = common_ancestor(sentence, positions)
    while depth < len(by_depth) and by_depth[depth].tag not in ("body", "html"):
        goes_on = next((text for text in _story_window(by_depth[depth], links_count)
                        if _story_sentence(text, positions, blocks)), None)
        if goes_on is None:
            return depth
        # review: the ancestors below the one holding that sentence end before it, so it is in their windows too
        depth = max(depth + 1, common_ancestor(text_element(goes_on), positions))
    return None


def _story_window(ancestor: Any, links_count: bool = False) -> Iterator[_TextNode]:
    """The texts after a wrapper read for the story's next sentence: STORY_GOES_ON_TEXTS texts, not counting those
    of fewer than SHORT_TEXT_WORDS words (a player's controls, a share bar's buttons), at most
    STORY_GOES_ON_MAX_TEXTS in all; nor, unless `links_count`, links' and captions' texts (twenty-third pass)."""
    counted = 0
    for text in islice(_texts_after(ancestor), STORY_GOES_ON_MAX_TEXTS):
        yield text
        counted += len(text.split()) >= SHORT_TEXT_WORDS and (links_count or not _linked_or_captioned(text))
        if counted >= STORY_GOES_ON_TEXTS:
            return


def _linked_or_captioned(text: Any) -> bool:
    """Whether a text is a link's or a photo caption's (twenty-third pass): a gallery's captions, a playlist's or a
    list's titles between a hero and its story (40 and more, of four words and more) are no sign that the story has
    ended, as a player's controls are not. Past a short story, 40 related links followed by sentences not the
    story's (readers' comments not named so) make the story seem to go on to `<body>`: the caller then counts them
    (`_before_story_end`), as the twenty-second pass did."""
    element = text_element(text)
    while element is not None and element.tag in INLINE_TAGS:
        if element.tag == "a":
            return True
        element = element.getparent()
    return element is not None and (element.tag == "figcaption" or "caption" in str(element.get("class") or "").lower())


def _story_sentence(text: Any, positions: dict[Any, int], blocks: dict[Any, bool]) -> bool:
    """Whether a text after a wrapper is a sentence of the story's: prose outside the blocks of other stories
    (readers' comments, a related list's teasers, a newsletter box: `pageblocks.other_stories_block`)."""
    return _in_sentence(text, blocks) and not elsewhere(text, positions, len(positions))


def _in_sentence(text: Any, blocks: dict[Any, bool]) -> bool:
    """Whether a text is a sentence or (review) part of one: its block, the nearest element around it that is not
    inline (a link, an emphasis), reads as prose. Most news prose is split by links into texts none of which is
    a sentence alone ("The ", "council", " met on Tuesday and ..."): read one by one, the story seemed to end.
    `blocks` keeps each block's answer for the wrapper's search (its windows overlap)."""
    if _is_prose(text):
        return True
    block = text_element(text)
    while block.tag in INLINE_TAGS and block.getparent() is not None:
        block = block.getparent()
    if block not in blocks:
        blocks[block] = _block_is_prose(block)
    return blocks[block]


def _block_is_prose(block: Any) -> bool:
    """Whether a block's text, read whole up to MAX_BLOCK_CHARS, is prose (`pageblocks.is_prose`)."""
    text = bounded_text(block, MAX_BLOCK_CHARS)
    return text is not None and is_prose(" ".join(text.split()))


def _is_prose(text: Any) -> bool:
    return is_prose(" ".join(text.split()))


class _TextNode(str):
    """A text node as lxml's XPath returns it (`_FOLLOWING_TEXTS`): the text, whether it is an
    element's tail, and that element (its parent when not a tail)."""

    is_tail: bool
    element: Any

    def getparent(self) -> Any:
        return self.element


def _texts_after(headline: Any) -> Iterator[_TextNode]:
    """The texts `_FOLLOWING_TEXTS` selects, in document order, walked lazily: the XPath collected
    and tested every text node after the headline to keep 12 (2-4% of extraction, perf9); also the
    texts after a wrapper of the story (`_story_wrapper`)."""
    node = headline
    while node is not None:
        yield from _node_texts(node, subtree=False)
        for sibling in node.itersiblings():
            yield from _node_texts(sibling, subtree=True)
        node = node.getparent()


def _node_texts(node: Any, subtree: bool) -> Iterator[_TextNode]:
    """With `subtree`, the texts inside an element (none in a script or style, none in a comment)
    and then its tail; without, its tail only. Only texts with more than XPath's white space."""
    if subtree and isinstance(node.tag, str) and node.tag not in ("script", "style"):
        yield from _text_node(node.text, node, is_tail=False)
        for child in node:
            yield from _node_texts(child, subtree=True)
    yield from _text_node(node.tail, node, is_tail=True)


def _text_node(value: str | None, element: Any, is_tail: bool) -> Iterator[_TextNode]:
    if value and value.strip(" \t\r\n"):  # normalize-space() strips only these
        text = _TextNode(value)
        text.is_tail, text.element = is_tail, element
        yield text


def _headline(tree: Any) -> Any:
    """The `<h1>` closest to the page's titles, else (thirtieth pass) the `<h2>` or `<h3>` closest to them among the
    first `SUBHEADINGS_READ`: a broadcaster's article module puts the title in an `<h3>` on a page without `<h1>`
    (`<h3><span class="roofline">…</span><span class="titletext">…</span></h3>`), and without a headline no byline
    was read and no block told apart from the story (a teaser photo's day dropped htmldate's, none was stored)."""
    titles = page_titles(tree)
    headline = _closest(tree.iter("h1"), titles)
    if headline is not None:
        return headline
    # review: a logo's `<h2>` in the site's header reads as "Story | Example News" too (F1 0.57), and today's date
    # printed under it beat the story's published meta
    subheadings = islice(tree.iter("h2", "h3"), SUBHEADINGS_READ)
    headline = _closest(subheadings, titles,
                        lambda heading, text: not in_site_chrome(heading) and _names_story(text, titles))
    # review of the thirty-sixth pass: after a `<h2>` naming the story, as a section's `<h1>` names a title's first
    # part too ("Sport - Rovers win the cup - Example")
    return headline if headline is not None else _names_titles_first_part(tree, titles)


def _names_titles_first_part(tree: Any, titles: list[str]) -> Any:
    """The first `<h1>` among the first `SUBHEADINGS_READ`, outside the site's chrome, whose words are those of a
    title's first part, before its separator (thirty-sixth pass: "Faire Lieferketten" under the title "Faire
    Lieferketten - Evangelisches Jugendwerk in Württemberg (ejw) - EJW", a site's name longer than the story's, F1
    0.4); None without one. The first part only: a logo's `<h1>` names the site, the title's last part on most sites."""
    parts = {tuple(_words(_TITLE_SEPARATOR.split(title)[0])) for title in titles if _TITLE_SEPARATOR.search(title)}
    parts.discard(())
    if not parts:
        return None
    return next((heading for heading in islice(tree.iter("h1"), SUBHEADINGS_READ)
                 if tuple(_words(bounded_text(heading, MAX_HEADING_CHARS) or "")) in parts
                 and not in_site_chrome(heading)), None)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-\u2013\u2014\u00b7:/]|::)\s+")


def _names_story(text: str, titles: list[str]) -> bool:
    """Whether a heading holds every word of the longest part of one of the page's titles, the story's rather than
    the site's or its section's ("Budget vote | Local News"; review: a related story's `<h2>` sharing most of the
    title's words, F1 0.8, or a section's naming its suffix, read as the headline, and the day under it stored)."""
    return any(covers_tokens(text, max(_TITLE_SEPARATOR.split(title), key=len)) for title in titles)


SUBHEADINGS_READ = 200
"""How many `<h2>` and `<h3>` a page without an `<h1>` headline has read for one: a story's title comes before its
comments' and teasers' headings, and a page of 50,000 headings stays cheap."""


MAX_HEADING_CHARS = 2_000
"""A heading's text read for the headline: one longer reads as no title (F1 under `MIN_HEADLINE_F1`), and nested
headings each holding the rest of a hostile page are not each read to its end (review of the thirtieth pass)."""


def _closest(headings: Iterator[Any], titles: list[str],
             allowed: Callable[[Any, str], bool] = lambda _, __: True) -> Any:
    best, best_score = None, 0.0
    for heading in headings:
        text = " ".join((bounded_text(heading, MAX_HEADING_CHARS) or "").split())
        score = max((token_f1(text, title) for title in titles), default=0.0) if text else 0.0
        if score >= MIN_HEADLINE_F1 and score > best_score and allowed(heading, text):  # the first of equals
            best, best_score = heading, score
    return best
