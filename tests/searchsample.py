"""Small warehouses of hand-written articles for the search tests, loaded the way a run loads them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import warehouse
from newsflow.models import Article
from newsflow.warehouse import Warehouse

TODAY = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Doc:
    slug: str
    title: str
    text: str
    language: str | None = "en"
    site: str = "planet.example"
    days_ago: int = 1
    story: str | None = None  # the slug of the story's first article
    feed: str = "planet"

    def article(self) -> Article:
        url = f"https://{self.site}/{self.slug}"
        published = TODAY - timedelta(days=self.days_ago) + timedelta(hours=10)
        return Article(self.slug, url, url, self.feed, self.title, None, published, self.language, None, self.text,
                       len(self.text.split()), f"hash-{self.slug}-{len(self.text)}", self.story or self.slug,
                       published, "search-test")


def store_docs(path: Path, docs: Sequence[Doc]) -> Warehouse:
    store = Warehouse(path)
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, [d.article() for d in docs], [], [])
    return store
