"""Articles a site answered with one text whatever the article: a consent or login wall, not theirs.

A site that puts an "accept cookies" page (a consent wall, a login or subscription wall) at every
article URL sends each one the same text, around the article's own URL. Extracted, that text was
stored as each article's text, and the entries resolved: the articles lost, for good (red team 16).
Different entries (their feed titles differ) cannot have one text: when one site's articles of
`WALL_MIN_TITLES` titles or more in a batch extract to the same text, that text is the wall's.
Each such article is a failed attempt (`http_error`, the status the site sent), tried again on the
next runs, parked after `execution.max_article_attempts` like any failure. The same article at
several URLs of the site (one title) still merges as a duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from newsflow.extractworker import ExtractionResult
from newsflow.models import FetchResult, Outcome, PendingArticle
from newsflow.text import content_hash
from newsflow.urls import host_of, site_of

log = logging.getLogger("newsflow.pipeline")

WALL_MIN_TITLES = 3  # as a captive portal's page, one text for 3 different things is no one's own


def without_walls(
    batch: Sequence[PendingArticle], results: Sequence[FetchResult], extractions: Sequence[ExtractionResult | None],
) -> tuple[list[FetchResult], list[ExtractionResult | None]]:
    """The results and extractions with the articles behind a wall turned into failed attempts."""
    keys = [_text_key(r, e) for r, e in zip(results, extractions, strict=True)]
    titles: dict[tuple[str, str], set[str]] = {}
    for pending, key in zip(batch, keys, strict=True):
        if key is not None:
            titles.setdefault(key, set()).add(" ".join((pending.title or pending.url).casefold().split()))
    walls = {key for key, seen in titles.items() if len(seen) >= WALL_MIN_TITLES}
    if not walls:
        return list(results), list(extractions)
    walled = sum(key in walls for key in keys)
    log.warning("%d articles of %s were all answered with one text whatever their title: a consent or login "
                "wall, not their pages; not stored, tried again on the next runs", walled,
                ", ".join(sorted({site for site, _ in walls}))[:300])
    return ([_behind_wall(r) if key in walls else r for r, key in zip(results, keys, strict=True)],
            [None if key in walls else e for e, key in zip(extractions, keys, strict=True)])


def _text_key(result: FetchResult, extraction: ExtractionResult | None) -> tuple[str, str] | None:
    if not result.ok or extraction is None or extraction.article is None or extraction.outcome is not Outcome.OK:
        return None
    return site_of(host_of(result.url)), content_hash(extraction.article.text)


def _behind_wall(result: FetchResult) -> FetchResult:
    error = (f"GET {result.url}: answered with the text other articles of its site with other titles got too, "
             "word for word: a consent or login wall, not the article; tried again on later runs")
    return replace(result, outcome=Outcome.HTTP_ERROR, html=b"", error=error)
