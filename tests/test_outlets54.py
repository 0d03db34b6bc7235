"""Analyst 54: outlets as the web spells them (docs/search.md, "Analyst 54"; docs/urls.md; warehouse/README.md,
"Outlets").

A mobile or AMP edition's fold never leaves a public suffix (`m.co.uk` stays itself), in the macro `outlet`
(migration 0107), `newsflow search`'s SQL and dedup's sites alike, on generated hosts; an IPv6 host has one spelling
whatever the page wrote; an AMP cache's or viewer's copy is stored under the publisher's URL and outlet, fetched
from the publisher and deduplicated with the publisher's own link (a real run against a loopback server)."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.dedup import site_of_url
from newsflow.feedentries import EntryContext, make_entry
from newsflow.runner import run_ingest
from newsflow.urls import (
    EDITION_FOLD,
    OUTLET_PATTERN,
    SUFFIX_CHARS,
    SUFFIX_PATTERN,
    canonicalize_url,
    host_key,
    host_of,
    site_of,
)
from newsflow.warehouse import schema, search_index
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import empty_warehouse, examples
from tests.sitefactory import Site, Story, generated_story, rss_feed
from tests.test_outlets53 import spellings

EDITIONS = ("", "m.", "mobile.", "amp.")
# Public suffixes as the test knows them (not the code's list): a fold must stop short of each.
SUFFIXES = ("co.uk", "com.au", "co.jp", "ne.jp", "or.jp", "ac.uk", "gov.uk", "org.uk", "net.au", "edu.au",
            "blogspot.com", "github.io", "wordpress.com")
NAMES = ("bbc", "news", "alice", "example", "m2", "co", "com")  # labels in front of a suffix, or names of their own
TLDS = ("uk", "au", "jp", "com", "org", "example", "io")


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    with empty_warehouse(tmp_path_factory.mktemp("a54") / "w.duckdb").reading() as reading:
        yield reading


def outlet_expected(www: str, edition: str, name: str) -> str:
    """The outlet a host built as www + edition + name is: the name, unless the name is a public suffix or one
    label, when the edition's label stays (the name with it is a registrable name of its own)."""
    return edition + name if edition and (name in SUFFIXES or "." not in name) else name


dotted = st.builds("{}.{}".format, st.sampled_from(NAMES), st.sampled_from(SUFFIXES))
names = st.one_of(st.sampled_from(SUFFIXES), dotted,
                  st.builds(lambda label, tld: f"{label}.{tld}", st.sampled_from(NAMES[:5]), st.sampled_from(TLDS)),
                  st.sampled_from(TLDS))


@settings(max_examples=examples(400, 12), deadline=None)
@given(hosts=st.lists(st.tuples(st.sampled_from(("", "www.", "WWW.")), st.sampled_from(EDITIONS), names,
                                st.sampled_from(("", ":8443"))), min_size=1, max_size=12))
@example(hosts=[("", "m.", "co.uk", ""), ("www.", "amp.", "com.au", ""), ("", "amp.", "co.jp", ""),
                ("", "m.", "blogspot.com", ""), ("", "m.", "alice.blogspot.com", ""), ("", "m.", "bbc.co.uk", "")])
def test_an_editions_fold_never_leaves_a_public_suffix(
        con: duckdb.DuckDBPyConnection, hosts: list[tuple[str, str, str, str]]) -> None:
    """Before 0107: m.co.uk was co.uk, amp.com.au com.au, m.blogspot.com blogspot.com, in the macro, search and
    dedup alike. The three spellings agree with the host's built outlet, and with site_of's suffixes."""
    urls = [canonicalize_url(f"https://{www}{edition}{name}{port}/a") for www, edition, name, port in hosts]
    expected = [outlet_expected(www, edition, name) for www, edition, name, _ in hosts]
    assert spellings(con, urls) == [(outlet,) * 3 for outlet in expected]
    assert all(site_of(outlet) != "" for outlet in expected)


def test_the_view_the_search_sql_and_python_hold_one_pattern() -> None:
    """The macro is written out in warehouse/views/_outlets.sql: it must be built of urls.EDITION_FOLD, SUFFIX_PATTERN
    and SUFFIX_CHARS ("Analyst 55"), as search's SQL is of urls.OUTLET_PATTERN."""
    view = (schema.sql_root() / "views" / "_outlets.sql").read_text(encoding="utf-8")
    fold = f"regexp_replace(host, '{EDITION_FOLD}', '\\1')"
    assert (f"CASE WHEN length({fold}) <= {SUFFIX_CHARS}\n          AND regexp_matches({fold}, '{SUFFIX_PATTERN}')\n"
            f"     THEN regexp_replace(host, '^www\\.', '')\n     ELSE {fold} END;") in view
    assert OUTLET_PATTERN in search_index._SITE


def test_0107_gives_folded_suffixes_back_their_host(tmp_path: Path) -> None:
    """0106 stored m.co.uk's lines as co.uk: 0107 gives such a line its article's host (less www.), the site a run
    now writes; other sites, and a suffix's lines from a host that is no edition, stay."""
    store = empty_warehouse(tmp_path / "w.duckdb")
    rows = [("co.uk", "https://m.co.uk/a"), ("com.au", "https://www.amp.com.au/b"), ("blogspot.com",
            "https://mobile.blogspot.com/c"), ("bbc.co.uk", "https://m.bbc.co.uk/d"), ("co.uk", "https://co.uk/e")]
    with store.writing() as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 107")
        for n, (site, url) in enumerate(rows):
            con.execute("INSERT INTO story_lines VALUES (?, 1, ?, ?, now())", [site, f"a{n}", f"s{n}"])
            con.execute("INSERT INTO articles (article_id, canonical_url, url, feed_id, text, word_count, "
                        "content_hash, fetched_at, run_id, story_id) VALUES (?, ?, ?, 'f', '', 0, '', now(), 'r', ?)",
                        [f"a{n}", url, url, f"s{n}"])
        assert schema.migrate(con) == ["0107_outlets_keep_public_suffixes"]
        stored = [r[0] for r in con.execute("SELECT site FROM story_lines ORDER BY article_id").fetchall()]
    assert stored == ["m.co.uk", "amp.com.au", "mobile.blogspot.com", "bbc.co.uk", "co.uk"]
    assert stored == [site_of_url(url) for _, url in rows]


def spelt(address: ipaddress.IPv6Address, how: str) -> str:
    """One address as a page may write it: exploded, upper case, without leading zeros but uncompressed."""
    if how == "exploded":
        return address.exploded
    if how == "upper":
        return address.compressed.upper()
    if how == "unzeroed":
        return ":".join(group.lstrip("0") or "0" for group in address.exploded.split(":"))
    return address.compressed


@settings(max_examples=examples(300, 12), deadline=None)
@given(address=st.one_of(st.ip_addresses(v=6), st.sampled_from([ipaddress.IPv6Address(a) for a in (
           "2001:db8::1", "::1", "::ffff:192.0.2.1", "1:0:0:1::1", "fe80::", "2001:db8:0:1:0:0:0:0")])),
       ways=st.lists(st.sampled_from(("exploded", "upper", "unzeroed", "compressed")), min_size=2, max_size=4),
       port=st.sampled_from(("", ":8443", ":443")))
def test_an_ipv6_host_has_one_spelling(con: duckdb.DuckDBPyConnection, address: ipaddress.IPv6Address,
                                       ways: list[str], port: str) -> None:
    """Before: `[2001:db8::1]` and `[2001:0db8:0:0:0:0:0:1]` were two canonical URLs (two articles) and two outlets.
    Now every spelling's canonical URL is the compressed one, and so its outlet in the macro, search and dedup."""
    urls = [canonicalize_url(f"https://[{spelt(address, how)}]{port}/a") for how in ways]
    netloc = f"[{rfc5952(address)}]" + ("" if port in ("", ":443") else port)
    assert urls == [f"https://{netloc}/a"] * len(ways)
    assert spellings(con, urls) == [(rfc5952(address),) * 3] * len(ways)
    assert host_of(urls[0]) == rfc5952(address)


def rfc5952(address: ipaddress.IPv6Address) -> str:
    """The address as WHATWG writes it: `compressed`, but a mapped IPv4 address in hex, as Python wrote it up to
    3.12 (3.13 writes it dotted)."""
    mapped = address.ipv4_mapped
    return f"::ffff:{int(mapped) >> 16:x}:{int(mapped) & 0xFFFF:x}" if mapped is not None else address.compressed


@pytest.mark.parametrize(("written", "spelling"), [
    ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("::FFFF:C000:0201", "::ffff:c000:201"),
    ("0:0:0:0:0:ffff:c0a8:1", "::ffff:c0a8:1"), ("::1.2.3.4", "::102:304"), ("1:0:0:1:0:0:0:1", "1:0:0:1::1"),
    ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("0:0:0:0:0:0:0:0", "::"), ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0")])
def test_an_ipv6_host_is_written_one_way_on_every_python(written: str, spelling: str) -> None:
    """Review of Analyst 54, F2: `IPv6Address.compressed` writes a mapped IPv4 address dotted from Python 3.13
    (`::ffff:127.0.0.1`), in hex before, so two installs keyed one page two ways. The spelling is pinned here."""
    assert canonicalize_url(f"http://[{written}]:81/a") == f"http://[{spelling}]:81/a"
    assert host_key(written) == spelling


def test_a_copy_read_only_once_canonical_is_fetched_from_the_publisher() -> None:
    """Review of Analyst 54, F1: `/%61mp/s/` is `/amp/s/` once canonical; the entry fetched Google's frame and was
    keyed by it. Now the entry fetches and is keyed by the publisher's URL."""
    context = EntryContext("agg", "http://agg.example/feed", datetime.now(UTC))
    for link in ("https://www.google.com/%61mp/s/example.com/x", "https://www.google.com/amp/s/%65xample.com/x",
                 "https://www.google.com/y/../amp/s/example.com/x"):
        entry = make_entry(context, guid=None, url=link, title="t", summary_html=None, published_at=None)
        assert (entry.url, entry.canonical_url, entry.former_canonical_url) == (
            "https://example.com/x", "https://example.com/x", "https://www.google.com/amp/s/example.com/x")


@pytest.mark.parametrize(("copy", "publisher"), [
    ("https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/x", "https://www.example.com/news/x"),
    ("https://www-example-com.cdn.ampproject.org/v/s/www.example.com/news/x.amp?amp_js_v=0.1&usqp=mq331AQ&id=3#top",
     "https://www.example.com/news/x.amp?id=3"),
    ("https://cdn.ampproject.org/c/example.com:8080/a?b=2&a=1", "http://example.com:8080/a?a=1&b=2"),
    ("https://www.google.com/amp/s/www.example.com/news/x", "https://www.example.com/news/x"),
    ("http://google.co.uk/amp/example.co.uk/a", "http://example.co.uk/a"),
    ("https://www-example-com.bing-amp.com/c/s/www.example.com/news/x", "https://www.example.com/news/x"),
    ("https://www.google.com/amp/s/www-example-com.cdn.ampproject.org/c/s/www.example.com/n",
     "https://www.example.com/n"),
    ("https://x.cdn.ampproject.org/c/s/[2001:0db8::1]:81/a", "https://[2001:db8::1]:81/a"),
])
def test_an_amp_cache_copy_is_the_publishers_url(copy: str, publisher: str) -> None:
    assert canonicalize_url(copy) == publisher
    assert canonicalize_url(canonicalize_url(copy)) == publisher


@pytest.mark.parametrize("url", [
    "https://www.google.com/amp/s/", "https://www.google.com/amp/s/s/", "https://www.google.com/search?q=amp",
    "https://x.cdn.ampproject.org/i/s/example.com/logo.png", "https://x.cdn.ampproject.org/v0.js",
    "https://example.com/amp/s/www.example.com/x", "https://google.example.com/amp/s/www.example.com/x"])
def test_other_urls_on_those_hosts_stay_theirs(url: str) -> None:
    """An image or script on the cache, Google's other pages, a copy naming no host, and the path on other hosts."""
    assert host_of(canonicalize_url(url)) == host_of(url)


def serve_stories_and_copies(server: LocalServer, seed: int, count: int) -> tuple[list[Story], list[str]]:
    """`count` stories of one publisher at `/news/<n>`, and the links an aggregator gives the first two: through
    Google's AMP cache and through its viewer."""
    site, origin = Site("Courier"), server.base_url.removeprefix("http://")
    stories = [generated_story(seed + n) for n in range(count)]
    for n, story in enumerate(stories):
        server.add(f"/news/{n}", Page(site.article_page(story)))
    return stories, [f"https://127-0-0-1.cdn.ampproject.org/c/{origin}/news/0?amp_js_v=0.1",
                     f"https://www.google.com/amp/{origin}/news/1"]


def test_a_run_stores_an_amp_copy_under_the_publishers_url_once(tmp_path: Path, server: LocalServer) -> None:
    """An aggregator's feed links two articles through Google's AMP cache and viewer, the publisher's own feed links
    them directly. Before: the copies were fetched from the cache's hosts (here: refused, not loopback) and, where
    fetched, stored under the cache's URL and outlet, the same article twice. Now: two articles, each under the
    publisher's URL and outlet, fetched from the publisher only, never from a cache host."""
    now = datetime.now(UTC)
    stories, copies = serve_stories_and_copies(server, 5401, 2)
    server.add("/gnews.xml", Page(rss_feed("gnews", [(s.title, u, now) for s, u in zip(stories, copies, strict=True)]),
                                  "application/rss+xml"))
    server.add("/pub.xml", Page(rss_feed("pub", [(s.title, server.url(f"/news/{n}"), now - timedelta(minutes=1))
                                                 for n, s in enumerate(stories)]), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"gnews": "/gnews.xml", "pub": "/pub.xml"},
                               extract={"workers": 1})
    summary = asyncio.run(run_ingest(load_config(config_path), "run-a54", all_feeds=True))
    assert summary.status == "completed"
    with duckdb.connect(str(tmp_path / "warehouse" / "news.duckdb"), read_only=True) as db:
        stored = db.execute("SELECT canonical_url, outlet(canonical_url) FROM articles ORDER BY 1").fetchall()
        entries = db.execute("SELECT feed_id, url FROM entries ORDER BY 1, 2").fetchall()
    assert stored == [(server.url(f"/news/{n}"), "127.0.0.1") for n in range(2)]
    assert [url for feed, url in entries if feed == "gnews"] == [server.url(f"/news/{n}") for n in range(2)]
    assert sorted({r.path for r in server.requests if r.path.startswith("/news/")}) == ["/news/0", "/news/1"]
