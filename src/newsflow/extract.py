"""Extract the main text and metadata of one article page.

The only module that imports trafilatura. `extract_article` does one page in this process;
`newsflow.extractpool.ExtractorPool` runs many on worker processes, each under a time limit,
and turns every failure into an `Outcome` instead of an exception:

    OK               normalised text with at least one paragraph of MIN_PARAGRAPH_WORDS words, or
                     SHORT_PROSE_LINES sentences of SHORT_PROSE_WORDS words (a recipe's steps)
    EXTRACT_EMPTY    trafilatura found nothing, or only short lines (menus, "404", captions)
    EXTRACT_TIMEOUT  the page took longer than the pool's timeout (the batch goes on)
    EXTRACT_ERROR    trafilatura raised, or its worker process died; `error` says what

The text is trafilatura's, its layout tables taken apart (`newsflow.layouttables`), corrected by newsflow's rules
(`newsflow.storytext`); the declared language is checked against the text (`newsflow.language`), and the date
checked against JSON-LD and kept in the publisher's own offset (`newsflow.dates`; what the page prints:
`newsflow.extractdates`). Options, fallbacks and the measurements behind them: docs/extraction.md.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from copy import deepcopy
from datetime import UTC
from typing import Any

import htmldate.core as htmldate_core
import trafilatura.core as trafilatura_core
import trafilatura.external as trafilatura_external
import trafilatura.json_metadata as trafilatura_json
import trafilatura.metadata as trafilatura_metadata
import trafilatura.utils as trafilatura_utils
from htmldate import find_date
from trafilatura import bare_extraction
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document, set_date_params
from trafilatura.utils import load_html
from trafilatura.xml import xmltotxt

from newsflow.dates import dated_by_update_only, parse_datetime, publication_day, update_printed
from newsflow.extractdates import page_dates
from newsflow.freetext import free_text_segments
from newsflow.headline_date import printed_zone_abbreviation
from newsflow.inlinesplits import unwrap_source_lines, unwrapped_lines
from newsflow.jsonauthors import PERSON_NAME, bounded_names, capped_add, person_names
from newsflow.jsontext import minified, normalized
from newsflow.justextlinear import revise_paragraph_classification
from newsflow.language import declared_language, load_language_model, resolve_language
from newsflow.layouttables import unlay_tables
from newsflow.localtime import zone_guessed, zone_name
from newsflow.models import ExtractedArticle
from newsflow.numericorder import order_read
from newsflow.pageblocks import bounded_text
from newsflow.pagebounds import bounded_page_tree, texts_split
from newsflow.pagememo import one_page
from newsflow.pagetimes import offset_given
from newsflow.storytext import MIN_PARAGRAPH_WORDS as MIN_PARAGRAPH_WORDS  # re-exported: the public names stay here
from newsflow.storytext import TrafilaturaOutputs, is_article_text, story_text
from newsflow.storytext import has_article_paragraph as has_article_paragraph
from newsflow.storytext import refined_text as refined_text
from newsflow.text import normalize_text, word_count
from newsflow.titleline import headings_beside, story_headlines, title_without_suffix
from newsflow.urls import page_canonical_url
from newsflow.xpathguards import guard_trafilatura_xpaths as guard_xpaths

log = logging.getLogger(__name__)

# Balanced mode (neither favor_precision nor favor_recall) and tables kept: the best mix on the
# real corpora, see docs/extraction.md. Reader comments are never part of the text.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "favor_precision": False,
    "favor_recall": False,
    "with_metadata": True,
}
# htmldate keeps the time and offset when the page gives them; date-only becomes T00:00:00.
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_SITE_SUFFIX = re.compile("^(.+?)\\s+[-|\u2013\u2014:\u00b7]\\s+([^-|\u2013\u2014:\u00b7]+)$")
# readability-lxml's output for the page this thread is extracting: trafilatura runs it on every
# page (balanced mode) to compare with its own; newsflow reads it as a second opinion. `own` is
# trafilatura's own extraction of the page (its first `extract_content`), before its fallbacks.
_readability_seen = threading.local()
_original_try_readability: Callable[[Any], Any] | None = None
_original_extract_content: Callable[..., Any] | None = None
_original_catstags: Callable[..., Any] | None = None
_original_license: Callable[..., Any] | None = None
_original_json_author: Callable[..., Any] | None = None
_original_meta_json: Callable[..., Any] | None = None
_original_revise_classes: Callable[..., Any] | None = None
_original_free_text: Callable[[Any], Any] | None = None
_TRAFILATURA_PARSER = trafilatura_utils.HTML_PARSER


def extract_article(html: str, url: str) -> ExtractedArticle | None:
    """Main text and metadata of one page, in this process, with no time limit.

    Returns None when the page has no article text. Exceptions from trafilatura propagate;
    `ExtractorPool` turns them into EXTRACT_ERROR.
    """
    _readability_seen.extracting = True  # the linear jusText and htmldate passes: here only (`_linear_justext`)
    try:
        with one_page():  # the rules' per-page memos (`newsflow.pagememo`), dropped after the page
            return _extracted_article(html, url)
    finally:
        _readability_seen.extracting = False


def _extracting() -> bool:
    """Whether this thread is inside `extract_article` (trafilatura alone, elsewhere, keeps its own passes)."""
    return bool(getattr(_readability_seen, "extracting", False))


def _extracted_article(html: str, url: str) -> ExtractedArticle | None:
    tree = page_tree(html)
    if tree is None:
        return None
    _observe_readability()
    _observe_own_extraction()
    _skip_unused_metadata()
    _linear_json_authors()
    _lighter_json_ld_text()
    _linear_justext()
    guard_xpaths(_extracting)  # once a process (speed32)
    _readability_seen.summary = _readability_seen.own = None
    document = _trafilatura_document(tree, url)
    sitename = _clean_field(document.sitename)
    title = _strip_site_suffix(_clean_field(document.title), sitename)
    author = _clean_field(document.author)
    if unlay_tables(document.body):  # a story set in a table for layout: paragraphs again (`newsflow.layouttables`)
        document.text = xmltotxt(document.body, False)
    final = _unwrapped_text(document.body, normalize_text(document.text or ""), tree)
    found = TrafilaturaOutputs(
        final, document.body, _own_text(document.body, final, tree), _readability_seen.own, _readability_seen.summary
    )
    text = story_text(found, tree, html, title=title, author=author, description=document.description)
    if not is_article_text(text):
        return None
    language, language_source = resolve_language(declared_language(tree), text, word_count(text))
    published, ago, month_day, by_image = page_dates(document.date, tree, url, _htmldate_of)
    published, order_open = order_read(published, tree, url, html)  # "12/02/2026" beside a machine date's order
    return ExtractedArticle(
        text=text,
        title=title_without_suffix(_title_uncut(title, tree), story_headlines(tree), sitename, headings_beside(tree)),
        author=author,
        published_at=published.astimezone(UTC) if published is not None else None,
        language=language,
        language_source=language_source,
        sitename=sitename,
        page_canonical_url=page_canonical_url(document.url, url, tree),
        published_date=publication_day(published),
        published_ago=ago,
        publisher_zone=zone_name(url, tree, printed := printed_zone_abbreviation(tree)),
        publisher_zone_guessed=zone_guessed(url, tree, printed),
        published_month_day=month_day,
        published_by_image=by_image,
        published_by_update=(by_update := dated_by_update_only(published, tree, url)),
        update_printed=by_update and update_printed(published, tree),
        published_offset_given=offset_given(published),
        published_order_open=order_open,
    )


def _trafilatura_document(tree: Any, url: str) -> Document:
    """trafilatura's extraction of the page, without the metadata newsflow never reads
    (`_skip_unused_metadata`)."""
    _readability_seen.skip_unused = True
    try:
        document = bare_extraction(tree, url=url, date_extraction_params=_date_params(), **TRAFILATURA_OPTIONS)
        if not isinstance(document, Document):
            document = _metadata_only(tree, url)  # no text in the HTML: the page's scripts may carry it
        return document
    finally:
        _readability_seen.skip_unused = False


def _metadata_only(tree: Any, url: str) -> Document:
    """The page's metadata when trafilatura found no text at all (it then returns nothing), so
    that a story carried by the page's JSON-LD or script payload keeps its title and date."""
    document = extract_metadata(deepcopy(tree), url, _date_params())
    document.text = ""
    return document


def page_tree(html: str) -> Any:
    """The page as trafilatura parses it (an lxml tree), or None when it is not HTML at all. Parsed by
    `newsflow.htmlparser`'s parser: the same tree, its element classes (kept by trafilatura's copies
    of it) found in C; trafilatura's parser is put back for trafilatura called alone (speed17)."""
    try:  # within bounds of tags and depth no real page nears (`newsflow.pagebounds`, red team 26)
        return bounded_page_tree(html, load_html, lambda parser: setattr(trafilatura_utils, "HTML_PARSER", parser))
    finally:
        trafilatura_utils.HTML_PARSER = _TRAFILATURA_PARSER


def _observe_readability() -> None:
    """Wrap trafilatura's readability-lxml pass (once per process) so that its output is kept as a
    second opinion. It changes nothing in what trafilatura does; with a trafilatura that has no
    such pass, the page's JSON-LD articleBody is the only second opinion."""
    global _original_try_readability
    current = getattr(trafilatura_external, "try_readability", None)
    if _original_try_readability is not None or current is None:
        return
    _original_try_readability = current

    def observed(tree: Any) -> Any:
        summary = current(tree)
        _readability_seen.summary = summary
        return summary

    setattr(trafilatura_external, "try_readability", observed)  # noqa: B010 (typed as its own function)


def _observe_own_extraction() -> None:
    """Wrap trafilatura's main extractor (once per process) to keep its first result on each page:
    its own extraction, before readability, jusText, the baseline or the recall retry replace it
    (`newsflow.choose`). Nothing in what trafilatura does changes; without such a function the
    final text is used as it is."""
    global _original_extract_content
    current = getattr(trafilatura_core, "extract_content", None)
    if _original_extract_content is not None or current is None:
        return
    _original_extract_content = current

    def observed(*args: Any, **kwargs: Any) -> Any:
        result = current(*args, **kwargs)
        if getattr(_readability_seen, "own", None) is None:
            _readability_seen.own = result[0]  # the body element; the recall retry calls this again
        return result

    setattr(trafilatura_core, "extract_content", observed)  # noqa: B010 (typed as its own function)


def _skip_unused_metadata() -> None:
    """Skip (once per process) the metadata trafilatura looks for and newsflow never reads: the
    page's categories, tags and license (5-6% of extraction: every link of the page tested against
    their XPaths). Only inside `extract_article`: elsewhere in the process (the benchmarks'
    trafilatura alone) both run as before. Neither reads or changes anything else."""
    global _original_catstags, _original_license
    catstags = getattr(trafilatura_metadata, "extract_catstags", None)
    license_of = getattr(trafilatura_metadata, "extract_license", None)
    if _original_catstags is not None or catstags is None or license_of is None:
        return
    _original_catstags, _original_license = catstags, license_of

    def no_catstags(metatype: str, tree: Any) -> list[str]:
        return [] if getattr(_readability_seen, "skip_unused", False) else list(catstags(metatype, tree))

    def no_license(tree: Any) -> str | None:
        return None if getattr(_readability_seen, "skip_unused", False) else license_of(tree)

    setattr(trafilatura_metadata, "extract_catstags", no_catstags)  # noqa: B010 (typed as its own function)
    setattr(trafilatura_metadata, "extract_license", no_license)  # noqa: B010 (typed as its own function)


def _linear_json_authors() -> None:
    """Read (once per process, only inside `extract_article`) the people's names in JSON-LD that does not
    parse in linear time: the same names (`newsflow.jsonauthors`; trafilatura's loop is quadratic)."""
    global _original_json_author
    current = getattr(trafilatura_json, "extract_json_author", None)
    person = getattr(trafilatura_json, "JSON_AUTHOR_2", None)
    if _original_json_author is not None or current is None or person is None:
        return
    _original_json_author, same = current, (person.pattern, person.flags) == (PERSON_NAME.pattern, PERSON_NAME.flags)

    def linear(text: str, pattern: Any) -> str | None:  # the other pattern's loop bounded, names capped (red team 25)
        if not getattr(_readability_seen, "skip_unused", False):
            return current(text, pattern)  # type: ignore[no-any-return]
        add = trafilatura_json.normalize_authors
        return person_names(text, add) if pattern is person and same else bounded_names(text, pattern, add)

    setattr(trafilatura_json, "extract_json_author", linear)  # noqa: B010 (typed as its own function)
    capped = capped_add(trafilatura_json.normalize_authors, _readability_seen, trafilatura_json.AUTHOR_SPLIT)
    for module in (trafilatura_json, trafilatura_metadata):  # metadata.py's meta tags call its own import
        setattr(module, "normalize_authors", capped)  # noqa: B010 (typed as its own function)


def _lighter_json_ld_text() -> None:
    """trafilatura's `extract_meta_json` (2.3.1; once per process, only inside `extract_article`), its text
    prepared by `newsflow.jsontext`: the same text, without a Python call per character."""
    global _original_meta_json
    current = getattr(trafilatura_metadata, "extract_meta_json", None)
    if _original_meta_json is not None or current is None:
        return
    _original_meta_json = current

    def lighter(tree: Any, metadata: Document) -> Document:
        if not getattr(_readability_seen, "skip_unused", False):
            return current(tree, metadata)  # type: ignore[no-any-return]
        for elem in tree.xpath('.//script[@type="application/ld+json" or @type="application/settings+json"]'):
            if elem.text:
                text = normalized(minified(elem.text))
                try:
                    metadata = trafilatura_json.extract_json(json.loads(text, strict=False), metadata)
                except (json.JSONDecodeError, RecursionError):  # nested past the stack: read as broken (red team 25)
                    metadata = trafilatura_json.extract_json_parse_error(text, metadata)
        metadata.title = metadata.title if isinstance(metadata.title, str) else None  # `"headline": 2026`: <title>'s
        return metadata

    setattr(trafilatura_metadata, "extract_meta_json", lighter)  # noqa: B010 (typed as its own function)


def _linear_justext() -> None:
    """jusText's paragraph classification, as trafilatura's fallback calls it, and htmldate's free-text segments,
    in linear time (once per process, only inside `extract_article`: elsewhere, as the benchmarks' trafilatura and
    htmldate alone, the libraries' own): the same classes and texts (`newsflow.justextlinear`, `newsflow.freetext`;
    jusText's is quadratic in a run of short paragraphs, 20,000 one-word `<p>`s 52 s; htmldate's in `<time>`s,
    24,000 16.6 s). On a tree whose tags `pagebounds` stripped, htmldate's own XPath: there a paragraph's texts are
    adjacent text nodes, which it reads one by one and a walk of `.text` and `.tail` as one (review of red team 27)."""
    global _original_revise_classes, _original_free_text
    revise = getattr(trafilatura_external, "revise_paragraph_classification", None)
    if _original_revise_classes is None and revise is not None:
        _original_revise_classes = revise

        def classes(paragraphs: Any, max_heading_distance: int = 200) -> None:
            own = not _extracting()
            (revise if own else revise_paragraph_classification)(paragraphs, max_heading_distance)

        setattr(trafilatura_external, "revise_paragraph_classification", classes)  # noqa: B010 (typed as its own)
    free_text = getattr(htmldate_core, "FREE_TEXT_EXPRESSIONS", None)
    if _original_free_text is None and free_text is not None:
        _original_free_text = free_text

        def segments(tree: Any) -> Any:
            if _extracting() and not texts_split():
                return free_text_segments(tree)
            return free_text(tree)

        setattr(htmldate_core, "FREE_TEXT_EXPRESSIONS", segments)  # noqa: B010 (typed as its own function)


def _own_text(final_body: Any, final_text: str, page: Any) -> str | None:
    """trafilatura's own extraction, normalised; the final text itself when no fallback replaced it."""
    body = getattr(_readability_seen, "own", None)
    if body is None:
        return None
    unlay_tables(body)  # as the final body (when it is this one, its layout tables are gone already)
    return final_text if body is final_body else _unwrapped_text(body, normalize_text(xmltotxt(body, False)), page)


def _unwrapped_text(body: Any, text: str, page: Any) -> str:
    """trafilatura's normalised text of `body`, its paragraphs that the source wrapped over several
    lines one line again (`newsflow.inlinesplits`: only where the page shows one run of text)."""
    if not unwrap_source_lines(body):
        return text
    return unwrapped_lines(text, normalize_text(xmltotxt(body, False)), page)


def prepare_extractor() -> None:
    """Load what extraction loads lazily (the language model, ~0.9 s), so a worker's first page
    does not pay for it against its time limit."""
    load_language_model()


def _title_uncut(title: str | None, tree: Any) -> str | None:
    """The page's <title> or <h1> when the metadata's title is its opening cut right before a quote: a meta tag's
    value written with the headline's own quote unescaped ends there (thirtieth pass: og:title "Marathon: Sieger
    und " for "Marathon: Sieger und "royaler Besuch""; thirty-first: a single-quoted attribute ends at an
    apostrophe, "Mayor" for "Mayor's ferry …")."""
    if not title:
        return title
    for element in tree.iter("title", "h1"):
        # read up to a headline's length past the cut: nested <h1>s each holding the rest of a hostile page were
        # each read whole (0.5 s on 400 KB)
        shown = " ".join((bounded_text(element, len(title) + MAX_TITLE_REST) or "").split())
        if shown.startswith(title) and shown[len(title) :].lstrip()[:1] in _ATTRIBUTE_QUOTES:
            return shown
    return title


MAX_TITLE_REST = 1_000
_ATTRIBUTE_QUOTES = ("\"", "'")


def _strip_site_suffix(title: str | None, sitename: str | None) -> str | None:
    """ "Headline | Site" -> "Headline", when the page's <title> carried the site's name."""
    if not title or not sitename:
        return title
    match = _SITE_SUFFIX.match(title)
    if match and match.group(2).casefold() == sitename.casefold():
        return match.group(1)
    return title


def _htmldate_of(tree: Any, url: str) -> str | None:
    """htmldate's date of `tree`, read as extraction reads dates (`newsflow.extractdates`)."""
    return find_date(tree, **{**_date_params(), "url": url})


def _date_params() -> dict[str, Any]:
    params = set_date_params(extensive=True)
    return {**params, "outputformat": _DATE_FORMAT}


def _clean_field(value: object) -> str | None:
    cleaned = normalize_text(value if isinstance(value, str) else "").replace("\n", " ")  # JSON-LD gives numbers too
    return cleaned or None


parse_published_at = parse_datetime  # htmldate's string as a UTC-aware datetime (no offset: UTC)
