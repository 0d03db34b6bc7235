"""The world's ground truth: the items it shows, and what it delivered whole to which run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Endpoint faults that send a whole page other than the one written (faults.BAD_ENCODING, SLOW_EXTRACT).
ALTERING_FAULTS = frozenset({"bad_encoding", "slow_extract"})
CATCH_ALL_MIN_SITES = 3  # newsflow.polling's INTERCEPT_MIN_SITES: a page at fewer sites is taken as theirs


@dataclass(frozen=True)
class Item:
    feed: int
    index: int
    guid: str
    url: str
    alias: bool = False  # content.ALIAS_ITEM: a second item whose link redirects to this item's page


@dataclass
class Ledger:
    """What the world delivered: (feed_id, url) -> runs that delivered it whole."""

    served: dict[tuple[str, str], set[int]] = field(default_factory=dict)
    faults_injected: Counter[str] = field(default_factory=Counter)
    requests_by_run: Counter[int] = field(default_factory=Counter)
    strays: list[str] = field(default_factory=list)  # requests for what no item links (a podcast GUID)
    # Article pages (by their item's URL): runs each was sent whole and as written, and pages ever sent
    # whole but altered (a garbled charset, the slow-to-extract page): what a stored text is judged by.
    pages_whole: dict[str, set[int]] = field(default_factory=dict)
    pages_altered: set[str] = field(default_factory=set)

    # Article URLs a catch-all run (event `catch_all`) answered with its page, and the sites they were on, by run.
    caught_pages: dict[int, set[str]] = field(default_factory=dict)
    caught_sites: dict[int, set[int]] = field(default_factory=dict)

    def caught(self, run: int, site: int, url: str) -> None:
        self.caught_pages.setdefault(run, set()).add(url)
        self.caught_sites.setdefault(run, set()).add(site)

    def told_apart(self, url: str) -> bool:
        """False when a catch-all answered `url` in a run where its page reached the client from fewer than 3
        sites: nothing tells it from 2 sites syndicating one article (catchall: 3 sites or more)."""
        return all(len(self.caught_sites[run]) >= CATCH_ALL_MIN_SITES
                   for run, urls in self.caught_pages.items() if url in urls)

    def page(self, url: str, run: int, delivered: bool, fault: str | None) -> None:
        if fault in ALTERING_FAULTS:
            self.pages_altered.add(url)
        elif delivered:
            self.pages_whole.setdefault(url, set()).add(run)

    def serve(self, feed_id: str, items: list[Item], run: int) -> None:
        for item in items:
            self.served.setdefault((feed_id, item.url), set()).add(run)

    def rename(self, renamed: dict[str, str]) -> None:
        """A feed renamed in the config owes what it delivered under its new name (its URL is its identity)."""
        for (feed_id, url), runs in list(self.served.items()):
            if feed_id in renamed:
                del self.served[(feed_id, url)]
                self.served.setdefault((renamed[feed_id], url), set()).update(runs)
