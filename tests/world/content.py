"""Red team 6's feed and page faults, put into the world by red team 7, fixed per feed for the world's life.

Red team 6 found each of these with one example test (tests/hostile/test_redteam6.py); here they
meet everything else a world does (faults, readers, kills, moved feeds, GUID faults):

- `cookie_check`: the feed's article pages answer `302 Location: <the same URL>` with
  `Set-Cookie: world-consent=1` to a request without that cookie, and the page to one with it
  (a consent or bot check). Must hold: the page is fetched and stored (`nothing_lost`).
- `alias_item`: beside its newest item, a second item (own GUID, own title) links
  `/a/<feed>/<index>/old`, which answers `301` to the newest item's page (a renamed slug). Must
  hold: one article for both (`no_duplicate_articles`), both entries kept (`nothing_lost`).
- `utf16_claim`: the XML declares `encoding="UTF-16"` over one-byte (UTF-8) text with accented
  titles. Must hold: every item is read (`nothing_lost`).
- `idna_link`: the feed also shows an item linking a host IDNA 2008 refuses
  (`http://\u2603.world.test/`). Must hold: no crash, no request; its entry, if kept, is parked
  with a reason (`parked_with_reason`).
- `podcast_item`: the feed also shows an episode: an enclosure, no `<link>`, `<guid>ep<n></guid>`.
  Must hold: never fetched as a page (`no_stray_request`).

World15 added red team 16's page classes, out of CONTENT_FAULTS (so no seeded world changed):

- `shared_canonical`: every article page of the feed names one section page, `http://<site>/news/`,
  in `<link rel=canonical>`. Must hold: each item keeps its own article (`article_is_the_page`).
- `syndicated`: the feed's article pages are one wire story per index, byte for byte, the same at
  every site that carries a syndicated feed. Must hold: each is stored (`whole_page_stored`), not
  taken for a catch-all's page.

World16 added two feed classes users meet between runs, out of CONTENT_FAULTS and PAGE_FAULTS (so no seeded
world changed):

- `format_change`: the feed's type changes on every run, in turn RSS 2.0, Atom 1.0, JSON Feed 1.1 and
  RSS 1.0 (RDF, whose items have no GUID: `rdf:about` is the link), from a per-feed start (a CMS upgrade, a
  feed service switched). Must hold: an item listed under several types is one entry (`no_duplicate_entries`,
  and `one_entry_per_item`: the world's item is one entry per feed, whatever GUID each type gives it), and
  none is lost (`nothing_lost`).
- `relinked`: each item keeps its GUID while its link is spelled another way every run: the plain link,
  campaign parameters (`utm_*`), a `#comments` fragment, the host in capitals, in turn (one canonical URL,
  docs/urls.md). Must hold: one entry per item (`one_entry_per_item`), none lost.

Drawn from their own random stream (`<seed>:content:<feed>`) with `WorldSpec.content_fault_rate`
(default 0), so adding them changed no seeded world's draws.
"""

from __future__ import annotations

import random
import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.world.world import WorldSpec

COOKIE_CHECK = "cookie_check"
ALIAS_ITEM = "alias_item"
UTF16_CLAIM = "utf16_claim"
IDNA_LINK = "idna_link"
PODCAST_ITEM = "podcast_item"
CONTENT_FAULTS = (COOKIE_CHECK, ALIAS_ITEM, UTF16_CLAIM, IDNA_LINK, PODCAST_ITEM)
SHARED_CANONICAL = "shared_canonical"
SYNDICATED = "syndicated"
PAGE_FAULTS = (SHARED_CANONICAL, SYNDICATED)
FORMAT_CHANGE = "format_change"
RELINKED = "relinked"
FEED_FAULTS = (FORMAT_CHANGE, RELINKED)  # world16's (module docstring)
FORMATS = ("rss", "atom", "json", "rdf")
FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json",
              "rdf": "application/rdf+xml"}
SYNDICATED_STORY = 900_000  # story seed of a syndicated page: this plus the item's index
CONSENT_COOKIE = "world-consent=1"
ALIAS_PATH = re.compile(r"^/a/(\d+)/(\d+)/old$")


def content_fault(spec: WorldSpec, feed: int) -> str | None:
    rng = random.Random(f"{spec.seed}:content:{feed}")
    if spec.content_faults and rng.random() < spec.content_fault_rate:
        return rng.choice(spec.content_faults)
    return None


def alias_url(item_url: str) -> str:
    return item_url + "/old"


def title_for(fault: str | None, feed: int, index: int, alias: bool = False) -> str:
    """An item's title: accented under a UTF-16 claim, so a misread declaration shows; its own for an alias."""
    words = "\u00c9t\u00e9 br\u00fblant, item" if fault == UTF16_CLAIM else "Item"
    return f"{words} {index} of feed {feed}" + (" (the old link)" if alias else "")


def xml_declaration(fault: str | None) -> str:
    encoding = "UTF-16" if fault == UTF16_CLAIM else "utf-8"
    return f'<?xml version="1.0" encoding="{encoding}"?>'


def unfetchable_items(fault: str | None, feed: int, index: int, port: int) -> str:
    """Items no request may follow: an IDNA 2008-invalid host, or a podcast episode with no link."""
    if fault == IDNA_LINK:
        link = escape(f"http://\u2603.world.test:{port}/a/{feed}/{index}")
        return (f"<item><title>Snowman {index} of feed {feed}</title><link>{link}</link>"
                f'<guid isPermaLink="false">urn:world:idna:{feed}:{index}</guid></item>')
    if fault == PODCAST_ITEM:
        return (f"<item><title>Episode {index} of feed {feed}</title><guid>ep{index}</guid>"
                f'<enclosure url="http://cdn.world.test/ep{index}.mp3" type="audio/mpeg" length="1"/></item>')
    return ""


def needs_consent(fault: str | None, cookie_header: str | None) -> bool:
    """A cookie-checking page's request without the consent cookie: it is answered with the redirect."""
    return fault == COOKIE_CHECK and CONSENT_COOKIE not in (cookie_header or "")


def consent_redirect(path: str) -> tuple[tuple[str, str], ...]:
    return (("Location", path), ("Set-Cookie", f"{CONSENT_COOKIE}; Path=/; HttpOnly"))


def feed_format(spec: WorldSpec, feed: int, run: int) -> str:
    """The type the feed is served as in `run`: RSS 2.0 but under `format_change`, where it turns every run."""
    if content_fault(spec, feed) != FORMAT_CHANGE:
        return "rss"
    start = random.Random(f"{spec.seed}:format:{feed}").randrange(len(FORMATS))
    return FORMATS[(start + max(run, 0)) % len(FORMATS)]


def shown_link(fault: str | None, url: str, run: int) -> str:
    """The link an item shows in `run`: its own, or under `relinked` one spelling of it per run (its GUID stays)."""
    if fault != RELINKED:
        return url
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    spellings = (url, f"{url}?utm_source=rss&utm_medium=feed", f"{url}#comments", f"{scheme}://{host.upper()}/{path}")
    return spellings[max(run, 0) % len(spellings)]
