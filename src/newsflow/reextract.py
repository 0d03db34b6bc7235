"""`newsflow reextract`: run extraction again on the kept HTML, without fetching.

Use it after a trafilatura upgrade or an extraction fix. Titles and dates keep their current
value where the new extraction finds none (they may have come from the feed); an article stored
without a date whose page gives only a relative time ("2 hours ago") or a day without its year ("Sun,
Mar 1") is dated from its stored fetch time, as a run dates it when its feed gives none. An article
whose text is unchanged is still written when its dates changed (before the eighth date pass it was
not, so a reextract after a date fix left such pages as they were). `story_id` is left as it was: a
story groups the copies seen at the time, and reextraction does not re-cluster.
A kept page that cannot be read (a truncated or corrupt `.gz`) is skipped, logged and listed in
the summary's `unreadable`; the other pages are re-extracted all the same.
A pass cut short (Ctrl-C, a kill, a power cut) resumes: each batch records its articles as done in the
transaction that writes them (`warehouse.reextracts`, migration 0088), and the next `reextract` with the
same `--since`, by the same newsflow (version and code) and trafilatura, skips them;
another `--since`, version or code starts over.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path

from newsflow import warehouse
from newsflow.articledates import article_dates, best_published_at, best_published_date
from newsflow.config import Config
from newsflow.errors import WarehouseError
from newsflow.extractpool import ExtractionResult, ExtractorPool, PageToExtract
from newsflow.models import Outcome
from newsflow.pages import pages_dir_for, read_page
from newsflow.text import content_hash, word_count
from newsflow.warehouse import ArticleToReextract, Warehouse

log = logging.getLogger(__name__)


@dataclass
class ReextractSummary:
    articles: int = 0
    without_html: int = 0
    resumed: int = 0  # done by the interrupted pass this one resumed, not done again
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (kept file, why), not re-extracted


def reextract(config: Config, since: date | None = None) -> ReextractSummary:
    """Re-extract every article fetched on or after `since` (all when None) that has kept HTML."""
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    summary = ReextractSummary()
    with store.run_lock("reextract"):  # first: a folder that cannot hold a warehouse is said as such
        if not store.exists():  # opening it to write would make an empty one, and say "0 of 0"
            raise WarehouseError(f"no warehouse at {store.path} yet; run `newsflow run` first")
        with store.writing() as con:
            done = warehouse.start_or_resume_pass(con, since, extractor_versions())
            targets = [t for t in warehouse.articles_to_reextract(con, since) if t.article_id not in done]
        summary.resumed = len(done)
        summary.articles = len(targets)
        with_html = [t for t in targets if t.has_html]
        summary.without_html = len(targets) - len(with_html)
        pages_dir = pages_dir_for(config.warehouse_path)
        with ExtractorPool(config.extract.worker_count, config.extract.timeout) as pool:
            for start in range(0, len(with_html), config.extract.batch_size):
                batch = with_html[start:start + config.extract.batch_size]
                reextract_batch(store, pool, pages_dir, batch, summary)
        with store.writing() as con:
            warehouse.end_pass(con)
    return summary


def extractor_versions() -> str:
    """What a pass is resumed only with: an upgrade between its start and its resumption starts it over.
    The code's digest too: a source checkout changed by `git pull` keeps its version number."""
    return f"newsflow {_version('newsflow')} {_code_digest()} trafilatura {_version('trafilatura')}"


def _code_digest() -> str:
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:  # run from a source tree never installed: no version to tell apart
        return "unknown"


def reextract_batch(
    store: Warehouse,
    pool: ExtractorPool,
    pages_dir: Path,
    batch: Sequence[ArticleToReextract],
    summary: ReextractSummary,
) -> None:
    with store.writing() as con:
        files = warehouse.read_pages(con, [t.article_id for t in batch])
    kept = [t for t in batch if (pages_dir / files[t.article_id]).is_file()]
    summary.without_html += len(batch) - len(kept)
    pages = [page for t in kept if (page := _read_kept_page(t, pages_dir / files[t.article_id], summary))]
    read = {page.key for page in pages}
    batch = [t for t in kept if t.article_id in read]
    results = {r.key: r for r in pool.extract_many(pages)}
    updates = []
    for target in batch:
        update = updated_row(target, results[target.article_id])
        if update is None:
            summary.failed += 1
        elif update[6] == target.content_hash and _same_dates(update, target):
            summary.unchanged += 1
        else:
            summary.changed += 1
            updates.append(update)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.update_extractions(con, updates)
        warehouse.mark_reextracted(con, [t.article_id for t in kept])  # unreadable ones too: they stay so
    log.info("re-extracted %d articles: %d changed", len(batch), summary.changed)


def _read_kept_page(target: ArticleToReextract, path: Path, summary: ReextractSummary) -> PageToExtract | None:
    """The kept HTML, or None (noted in `summary.unreadable`) when the file is truncated or corrupt."""
    try:
        return PageToExtract(target.article_id, read_page(path), target.url)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        why = " ".join(str(exc).split()) or type(exc).__name__
        log.warning("skipped the kept HTML of %s at %s: %s", target.url, path, why)
        summary.unreadable.append((str(path), why))
        return None


def updated_row(target: ArticleToReextract, result: ExtractionResult) -> tuple[object, ...] | None:
    """The new (article_id, title, author, published_at, language, sitename, content_hash, text, word_count,
    language_source, published_date)."""
    if result.outcome is not Outcome.OK or result.article is None:
        return None
    page = result.article
    if target.published_at is None and target.fetched_at is not None:  # dated as a run dates it without a feed date
        published_at, published_date = article_dates(page, None, None, target.fetched_at, target.url)
    else:  # the stored date stands in for the feed's: a page without a date (or only a photo's) keeps it
        zone = page.publisher_zone  # the publisher's day, as a run matches it (a .jp page's bare day)
        # only a photo's or asset's day, or the modification's (seventeenth)
        weak = page.published_by_image or page.published_by_update
        photo_only = weak and page.published_date != target.published_date  # the feed's stands
        page_at, page_day = (None, None) if photo_only else (page.published_at, page.published_date)
        published_at = best_published_at(page_at, target.published_at, target.published_date,
                                         url=target.url, zone=zone)
        published_date = best_published_date(page_day, target.published_at, target.published_date,
                                             page_at=page_at, url=target.url, zone=zone,
                                             page_offset_given=page.published_offset_given)  # as a run (44th pass)
    return (target.article_id, page.title or target.title, page.author, published_at, page.language,
            page.sitename, content_hash(page.text), page.text, word_count(page.text), page.language_source,
            published_date)


def _same_dates(update: tuple[object, ...], target: ArticleToReextract) -> bool:
    """Whether the re-extracted dates are the stored ones: a page whose text is the same may be
    dated better (the date rules changed), and that is a change to write."""
    return update[3] == target.published_at and update[10] == target.published_date
