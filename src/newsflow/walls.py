"""Articles a site answered with one text whatever the article: a consent or login wall, not theirs.

A site that puts an "accept cookies" page (a consent wall, a login or subscription wall) at every
article URL sends each one the same text, around the article's own URL. Extracted, that text was
stored as each article's text, and the entries resolved: the articles lost, for good (red team 16).
Different entries (their feed titles differ) cannot have one text: when one site's articles of
`WALL_MIN_TITLES` titles or more in a batch extract to the same text, that text is the wall's,
unless one page (one page title) names one of those titles (one story listed under several headlines,
`_one_story`).
Each such article is a failed attempt (`http_error`, the status the site sent), tried again on the
next runs, parked after `execution.max_article_attempts` like any failure. The same article at
several URLs of the site (one title) still merges as a duplicate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace

from newsflow.extractworker import ExtractionResult
from newsflow.models import FetchResult, Outcome, PendingArticle
from newsflow.text import content_hash
from newsflow.urls import host_of, site_of

log = logging.getLogger("newsflow.pipeline")

WALL_MIN_TITLES = 3  # as a captive portal's page, one text for 3 different things is no one's own
TITLE_NAMED_SHARE = 0.6  # of a feed title's words (3 letters or more) in a text that is that article's
_WORD = re.compile(r"\w+")


def without_walls(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], extractions: Sequence[ExtractionResult | None],
) -> tuple[list[FetchResult], list[ExtractionResult | None]]:
    """The results and extractions with the articles behind a wall turned into failed attempts."""
    keys = [_text_key(r, e) for r, e in zip(results, extractions, strict=True)]
    titles: dict[tuple[str, str], set[str]] = {}
    pages: dict[tuple[str, str], set[str]] = {}  # the page titles and text of each (one text, titles may differ)
    for pending, key, extraction in zip(batch, keys, extractions, strict=True):
        if key is not None and extraction is not None and extraction.article is not None:
            titles.setdefault(key, set()).add(" ".join((pending.title or pending.url).casefold().split()))
            pages.setdefault(key, set()).add(f"{extraction.article.title or ''} {extraction.article.text}")
    walls = {key for key, seen in titles.items() if len(seen) >= WALL_MIN_TITLES and not _one_story(pages[key], seen)}
    if not walls:
        return list(results), list(extractions)
    walled = sum(key in walls for key in keys)
    log.warning("%d articles of %s were all answered with one text whatever their title: a consent or login "
                "wall, not their pages; not stored, tried again on the next runs", walled,
                ", ".join(sorted({site for site, _ in walls}))[:300])
    return ([_behind_wall(r) if key in walls else r for r, key in zip(results, keys, strict=True)],
            [None if key in walls else e for e, key in zip(extractions, keys, strict=True)])


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.casefold()) if len(word) >= 3}


def _one_story(pages: set[str], titles: set[str]) -> bool:
    """Whether one page (one page title, one text) names one of the feed titles: most of its words are in it.
    One story a site lists under 3 headlines (its page, a live page, an update: review of red team
    16) is one text for 3 titles too, and was parked, never stored; a wall's page names none, and
    pages of their own titles around one text (a paywall's teaser under each headline) are a wall's."""
    if len(pages) != 1:
        return False
    words = _words(next(iter(pages)))
    return any(own and len(own & words) >= TITLE_NAMED_SHARE * len(own) for own in map(_words, titles))


def _text_key(result: FetchResult, extraction: ExtractionResult | None) -> tuple[str, str] | None:
    if not result.ok or extraction is None or extraction.article is None or extraction.outcome is not Outcome.OK:
        return None
    return site_of(host_of(result.url)), content_hash(extraction.article.text)


def _behind_wall(result: FetchResult) -> FetchResult:
    error = (f"GET {result.url}: answered with the text other articles of its site with other titles got too, "
             "word for word: a consent or login wall, not the article; tried again on later runs")
    return replace(result, outcome=Outcome.HTTP_ERROR, html=b"", error=error)
