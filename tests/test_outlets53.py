"""Analyst 53: one outlet whatever its host's prefix, and the reading commands' last gaps (docs/search.md,
"Analyst 53"; warehouse/README.md, "Outlets").

A mobile or AMP edition (`m.`, `mobile.`, `amp.`) is its outlet, in the macro `outlet` (migration 0106), in
`newsflow search`'s SQL and in dedup's sites (story_lines) alike: the three spellings are checked against each other
and against the hosts a generated world was built from (IPv6, punycode, ports, `m.example` whole). `--site` takes an
IPv6 literal; `first_to_break` counts the stories an outlet tied for first; `export --tz`; `reextract --since 7d`.
Tiny warehouses, in-process `cli.main` calls."""

from __future__ import annotations

import csv
import io
import ipaddress
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, search, warehouse
from newsflow.dedup import site_of_url
from newsflow.models import Article
from newsflow.urls import canonicalize_url, host_of
from newsflow.warehouse import Warehouse, schema, search_index
from newsflow.warehouse.export import same_zone
from tests.searchsample import empty_warehouse, examples
from tests.test_search53 import Literal, check_search
from tests.test_search_analyst52 import FETCHED, Copy, check_world, first_outlets, load_world, named, story_ids

EDITIONS = ("", "m.", "mobile.", "amp.")
OUTLETS = ("bbc.co.uk", "news.bbc.co.uk", "theguardian.com", "m.example")  # m.example: a name of its own
# CI runs the kept world only (a world costs ~0.8 cpu-s: loaded, every view and named query, indexed, searched); 40
# generated ones by hand (`uv run pytest -n0 tests/test_outlets53.py`), as tests/test_search53.py.
WORLDS = examples(40, 0)
PHASES = (Phase.explicit, *((Phase.generate, Phase.shrink) if WORLDS else ()))


# --- one rule in three spellings ---------------------------------------------------------------------------------

FIRST_LABELS = ("bbc", "theguardian", "xn--bcher-kva", "bücher", "news", "m2", "amp-live", "mobiles", "example")
LABELS = (*FIRST_LABELS, "m", "amp", "mobile", "www", "co", "uk", "com")
ADDRESSES = ("2001:db8::1", "2001:DB8::A", "::1", "::ffff:192.0.2.1", "fe80::1")


@dataclass(frozen=True)
class Host:
    """A host as a URL writes it, and the outlet it was built as: `www.`, an edition's label, then a name whose
    first label is no such prefix (so the outlet is known without the rule); or an IP literal."""

    www: str
    edition: str
    name: str  # the outlet's own labels, or an address

    def written(self) -> str:
        if ":" in self.name:
            return f"[{self.name}]"
        return self.www + self.edition + self.name

    def outlet(self) -> str:
        if ":" in self.name:  # one spelling since "Analyst 54" (canonicalize_url compresses it)
            return ipaddress.IPv6Address(self.name).compressed
        name = host_of(f"http://{self.name}/")  # the name as stored: punycode, lower case
        return name if "." in name or not self.edition else self.edition + name  # m.example stays whole


names = st.builds(lambda first, rest: ".".join((first, *rest)), st.sampled_from(FIRST_LABELS),
                  st.lists(st.sampled_from(LABELS), max_size=2))
hosts = st.one_of(st.builds(Host, st.sampled_from(("", "www.", "WWW.")), st.sampled_from(EDITIONS), names),
                  st.builds(Host, st.just(""), st.just(""), st.sampled_from(ADDRESSES)))
tails = st.sampled_from(("/a", "", "/", "?amp=1", "#top", "/amp/story.amp"))


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One empty warehouse, open, that every example reads: the macro is in its views."""
    with empty_warehouse(tmp_path_factory.mktemp("a53") / "w.duckdb").reading() as reading:
        yield reading


def spellings(con: duckdb.DuckDBPyConnection, urls: Sequence[str]) -> list[tuple[str, str, str]]:
    """Each URL's outlet by the macro, by search's SQL, by dedup.site_of_url."""
    rows = con.execute(f"SELECT outlet(canonical_url), {search_index._SITE} FROM "
                       "(SELECT unnest($urls) AS canonical_url, generate_subscripts($urls, 1) AS n) a ORDER BY n",
                       {"urls": list(urls)}).fetchall()
    return [(macro, searched, site_of_url(url)) for (macro, searched), url in zip(rows, urls, strict=True)]


@settings(max_examples=examples(300, 30), deadline=None)
@given(world=st.lists(st.tuples(hosts, st.sampled_from(("http", "https")), st.sampled_from(("", ":8443")), tails),
                      min_size=1, max_size=12))
def test_the_macro_search_and_dedup_name_one_outlet_for_every_edition_of_a_host(
        con: duckdb.DuckDBPyConnection, world: list[tuple[Host, str, str, str]]) -> None:
    """Before 0106: m.bbc.co.uk and bbc.co.uk, amp.theguardian.com and theguardian.com were two outlets in every view,
    named query, search and story_lines. The URLs are stored as a run stores them (canonicalize_url)."""
    urls = [canonicalize_url(f"{scheme}://{host.written()}{port}{tail}") for host, scheme, port, tail in world]
    assert spellings(con, urls) == [(host.outlet(),) * 3 for host, *_ in world]


def test_the_briefs_hosts_and_the_names_left_whole(con: duckdb.DuckDBPyConnection) -> None:
    urls = ["https://m.bbc.co.uk/news/1", "https://amp.theguardian.com/a", "https://www.m.bbc.co.uk/",
            "https://mobile.reuters.com:8443/x", "https://m.example/", "https://amp.example/", "https://www.m.example/",
            "https://m2.bbc.co.uk/", "https://amp-live.example.com/", "https://news.m.bbc.co.uk/",
            "https://m.xn--bcher-kva.example/", "https://[2001:db8::1]:8443/"]
    outlets = ["bbc.co.uk", "theguardian.com", "bbc.co.uk", "reuters.com", "m.example", "amp.example", "m.example",
               "m2.bbc.co.uk", "amp-live.example.com", "news.m.bbc.co.uk", "xn--bcher-kva.example", "2001:db8::1"]
    assert spellings(con, urls) == [(outlet,) * 3 for outlet in outlets]


# --- every view, named query and search over a world of editions -------------------------------------------------

@dataclass(frozen=True)
class Edition(Copy):
    """tests/test_search_analyst52.py's copy, from a mobile or AMP edition of its outlet (`edition`)."""

    edition: str = ""

    def url(self, number: int) -> str:
        host = ("www." if self.www else "") + self.edition + self.outlet
        return f"{self.scheme}://{host.upper() if self.upper else host}{self.port}/story-{self.story}/{number}"


editions = st.builds(Edition, st.integers(0, 3), st.sampled_from(OUTLETS), st.booleans(), st.booleans(),
                     st.sampled_from(("https", "http")), st.sampled_from(("", ":8443")), st.none(),
                     st.sampled_from((0, 0, 1, None)), st.sampled_from(("en", None)), st.sampled_from(EDITIONS))


def check_ties(path: Path, world: Sequence[Copy]) -> None:
    """first_to_break's stories_tied: per outlet, the shared stories it appeared in at the first instant with
    another outlet (the world's own count)."""
    stories = story_ids(world)
    appeared: dict[str, dict[str, datetime]] = {}
    for copy in world:
        at = copy.published_at() or FETCHED
        outlets = appeared.setdefault(stories[copy.story], {})
        outlets[copy.outlet] = min(outlets.get(copy.outlet, at), at)
    with Warehouse(path).reading() as con:
        for least in (1, 2):
            rows = {r["source"]: r["stories_tied"] for r in named(con, "first_to_break", f"min_sources={least}")}
            tied = Counter[str]()
            for outlets in appeared.values():
                firsts = [o for o, at in outlets.items() if at == min(outlets.values())]
                tied.update(firsts if len(outlets) >= least and len(firsts) > 1 else [])
            assert rows == {o: tied[o] for outlets in appeared.values() if len(outlets) >= least for o in outlets}


@settings(max_examples=max(WORLDS, 1), phases=PHASES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(world=st.lists(editions, min_size=1, max_size=8))
# kept: the brief's two outlets under three editions each, m.example (no edition) and its own m. edition, and a tie
@example(world=[Edition(0, "bbc.co.uk", False, False, "https", "", None, 0, "en", "m."),
                Edition(0, "bbc.co.uk", True, False, "https", "", None, 1, "en", ""),
                Edition(0, "theguardian.com", False, True, "http", ":8443", None, 0, None, "amp."),
                Edition(0, "theguardian.com", False, False, "https", "", None, None, "en", "mobile."),
                Edition(1, "m.example", True, False, "https", "", None, 0, None, "m."),
                Edition(1, "m.example", False, False, "https", "", None, 1, None, ""),
                Edition(1, "news.bbc.co.uk", False, False, "https", "", None, None, "en", "m.")])
def test_every_view_query_and_search_count_an_outlets_editions_once(tmp_path: Path, world: list[Copy]) -> None:
    for old in tmp_path.glob("w*.duckdb*"):
        old.unlink()
    check_world(tmp_path / "w.duckdb", world)
    check_ties(tmp_path / "w.duckdb", world)
    for old in tmp_path.glob("w*.duckdb*"):
        old.unlink()
    check_search(tmp_path / "w.duckdb", world)


def test_0106_makes_stored_story_lines_sites_the_outlets_a_run_now_writes(tmp_path: Path) -> None:
    """story_lines keeps each line's site (furniture is counted per site): 0106 rewrites an edition's to its
    outlet, the site dedup.site_of_url gives the next run's lines, so the two editions' lines count together."""
    store = empty_warehouse(tmp_path / "w.duckdb")
    sites = ["m.bbc.co.uk", "mobile.bbc.co.uk", "amp.theguardian.com", "m.example", "news.bbc.co.uk", "bbc.co.uk",
             "m.news.bbc.co.uk", "2001:db8::1", "m2.bbc.co.uk"]
    with store.writing() as con:
        con.execute("DELETE FROM schema_migrations WHERE version = 106")
        con.executemany("INSERT INTO story_lines VALUES (?, 1, ?, ?, now())",
                        [(site, f"a{n}", f"s{n}") for n, site in enumerate(sites)])
        assert schema.migrate(con) == ["0106_outlets_fold_mobile_editions"]
        stored = [r[0] for r in con.execute("SELECT site FROM story_lines ORDER BY article_id").fetchall()]
    host = {site: f"[{site}]" if ":" in site else site for site in sites}
    assert stored == [site_of_url(f"https://www.{host[s]}/a" if ":" not in s else f"https://{host[s]}/a")
                      for s in sites]
    assert stored[:4] == ["bbc.co.uk", "bbc.co.uk", "theguardian.com", "m.example"]


def test_first_to_break_counts_a_tie_for_every_outlet_in_it(tmp_path: Path) -> None:
    """Three outlets at one instant, a fourth later: each of the three has stories_tied 1, one of them (the lowest
    article_id) stories_broken 1; the fourth neither. Before: no column said the credit was a tie's."""
    world = [Edition(0, outlet, False, False, "https", "", None, hours, None, edition)
             for outlet, hours, edition in (("bbc.co.uk", 0, "m."), ("theguardian.com", 0, "amp."),
                                            ("m.example", 0, ""), ("news.bbc.co.uk", 1, ""), ("bbc.co.uk", 0, ""))]
    store = load_world(tmp_path / "w.duckdb", world)
    with store.reading() as con:
        rows = {r["source"]: (r["stories_broken"], r["stories_tied"]) for r in named(con, "first_to_break")}
    assert rows == {"bbc.co.uk": (1, 1), "theguardian.com": (0, 1), "m.example": (0, 1), "news.bbc.co.uk": (0, 0)}
    assert first_outlets(world)[story_ids(world)[0]] == "bbc.co.uk"


# --- the reading commands ----------------------------------------------------------------------------------------

def _config(store: Warehouse) -> Path:
    path = store.path.parent / "newsflow.toml"
    path.write_text(f"[warehouse]\npath = {str(store.path)!r}\n", encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str, code: int = 0) -> tuple[str, str]:
    assert cli.main([*argv, "--config", str(config)]) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_site_takes_an_ipv6_literal_and_an_edition_as_its_outlet(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `--site [2001:db8::1]` (and `2001:db8::1`) was refused for its colons, though `outlet` names such an
    outlet, and search_attention's `site=[2001:db8::1]` matched nothing; `--site m.bbc.co.uk` found m.bbc.co.uk's
    copies only. Now each is read as the outlet the views name."""
    world = [Edition(0, "bbc.co.uk", False, False, "https", "", None, 0, "en", "m."),
             Edition(0, "bbc.co.uk", False, False, "https", "", None, 0, "en", ""),
             Literal(0, "2001:db8::1", False, True, "https", ":8443", None, 0, "en")]  # [2001:DB8::1]:8443
    store = load_world(tmp_path / "w.duckdb", world)
    search.refresh(store)
    config = _config(store)
    for site, outlet, articles in (("[2001:db8::1]", "2001:db8::1", "1"), ("2001:DB8::1", "2001:db8::1", "1"),
                                   ("http://[2001:db8::1]:8443/x", "2001:db8::1", "1"),
                                   ("m.bbc.co.uk", "bbc.co.uk", "2")):
        out, err = _run(capsys, config, "search", "text", "--site", site, "--by", "source", "--format", "csv")
        assert [(r["source"], r["articles"]) for r in csv.DictReader(io.StringIO(out))] == [(outlet, articles)], site
        assert err == ""
    # as --site; a trailing dot goes before the edition's label (review: `m.bbc.co.uk.` was read `bbc.co.uk.`)
    for sites, articles, outlets in (("2001:DB8::1", 1, 1), ("[2001:db8::1]:8443,m.bbc.co.uk.", 3, 2)):
        out, _ = _run(capsys, config, "query", "search_attention", "--param", "q=text", "--param", f"site={sites}",
                      "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert (sum(int(r["articles"]) for r in rows), max(int(r["outlets"]) for r in rows)) == (articles, outlets)
    _, err = _run(capsys, config, "search", "text", "--site", "[2001:db8::1", code=2)
    assert "--site expects a site like reuters.com" in err and err.count("\n") == 1


def _dated_store(path: Path) -> Warehouse:
    """Two articles: 20:00 UTC on 5 December (the 6th in Tokyo) and noon on the 6th."""
    store = empty_warehouse(path)
    times = (datetime(2026, 12, 5, 20, tzinfo=UTC), datetime(2026, 12, 6, 12, tzinfo=UTC))
    articles = [Article(f"a{n}", f"https://herald.example/{n}", f"https://herald.example/{n}", "feed", f"T {n}", None,
                        at, "en", None, f"text {n}", 2, f"h{n}", f"a{n}", at, "a53") for n, at in enumerate(times)]
    with store.writing() as con, warehouse.transaction(con):
        warehouse.load_articles(con, articles, [], [])
    return store


def test_export_dates_and_times_are_the_tz_zones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: export had no --tz; its `date` (Parquet's folders) was UTC's. Now `--tz Asia/Tokyo` dates the article
    of 20:00 UTC on the 5th the 6th, reads --since there, and writes CSV's times with +09; a Parquet export in another
    zone into the same folder is refused (a day's article would sit in two date folders)."""
    config = _config(_dated_store(tmp_path / "w.duckdb"))
    with config.open("a", encoding="utf-8") as toml:  # the config's zone is search's and stories', not export's
        toml.write('[search]\ntz = "Asia/Tokyo"\n')
    _run(capsys, config, "export", str(tmp_path / "utc"), "--format", "csv")
    utc = list(csv.DictReader(io.StringIO((tmp_path / "utc" / "articles.csv").read_text(encoding="utf-8"))))
    assert [(r["date"], r["published_at"]) for r in utc] == [("2026-12-05", "2026-12-05 20:00:00+00"),
                                                               ("2026-12-06", "2026-12-06 12:00:00+00")]
    _run(capsys, config, "export", str(tmp_path / "tokyo"), "--format", "csv", "--tz", "asia/tokyo",
         "--since", "2026-12-06")
    tokyo = list(csv.DictReader(io.StringIO((tmp_path / "tokyo" / "articles.csv").read_text(encoding="utf-8"))))
    assert [(r["date"], r["published_at"]) for r in tokyo] == [("2026-12-06", "2026-12-06 05:00:00+09"),
                                                                 ("2026-12-06", "2026-12-06 21:00:00+09")]
    _, err = _run(capsys, config, "export", str(tmp_path / "relative"), "--tz", "Asia/Tokyo", "--since", "3d")
    assert err.startswith("newsflow: --since 3d is ") and err.endswith(" in Asia/Tokyo\n")
    _run(capsys, config, "export", str(tmp_path / "p"), "--tz", "Asia/Tokyo")
    assert sorted(p.name for p in (tmp_path / "p" / "articles").iterdir()) == ["date=2026-12-06"]
    assert (tmp_path / "p" / ".articles.zone").read_text(encoding="utf-8") == "Asia/Tokyo\n"
    _, err = _run(capsys, config, "export", str(tmp_path / "p"), code=2)
    assert err.startswith(f"newsflow: export: the export in {tmp_path / 'p' / 'articles'} has its dates in "
                          "Asia/Tokyo, and one in UTC would") and err.count("\n") == 1
    (tmp_path / "p" / ".articles.zone").write_bytes(b"\xff\xfe\n")  # not UTF-8: one line, not a traceback
    _, err = _run(capsys, config, "export", str(tmp_path / "p"), "--tz", "Asia/Tokyo", code=2)
    assert err.startswith(f"newsflow: export: {tmp_path / 'p' / '.articles.zone'} is not a zone name (not UTF-8 "
                          "text); ") and err.count("\n") == 1
    (tmp_path / "r" / ".articles.zone").mkdir(parents=True)  # the zone cannot be written: said, and nothing moved
    _, err = _run(capsys, config, "export", str(tmp_path / "r"), code=1)  # (review: the folders moved, zone-less)
    assert err.startswith(f"newsflow: export to {tmp_path / 'r' / 'articles'} failed: cannot write ")
    assert err.count("\n") == 1 and sorted(p.name for p in (tmp_path / "r").iterdir()) == [".articles.zone"]
    (tmp_path / "r" / ".articles.zone").rmdir()
    _run(capsys, config, "export", str(tmp_path / "r"))
    out, err = _run(capsys, config, "export", str(tmp_path / "r"), "--tz", "Zulu")  # UTC by another name (review)
    assert out.startswith("exported 2 articles") and err == ""
    assert sorted(p.name for p in (tmp_path / "r" / "articles").iterdir()) == ["date=2026-12-05", "date=2026-12-06"]
    _, err = _run(capsys, config, "export", str(tmp_path / "q"), "--tz", "Asia/Tokio", code=2)
    assert err.startswith("newsflow: --tz 'Asia/Tokio' is not a time zone; did you mean Asia/Tokyo")


def test_utcs_other_names_are_one_zone_with_it_and_no_other_zone_is() -> None:
    """Before (review): `export --tz Etc/UTC`, `GMT` or `Zulu` into a folder exported in UTC was refused as another
    zone. Now a name whose tz database file is Etc/UTC's or Etc/GMT's is UTC (`Zulu` through the CLI, above); other
    zones, and links between them, are not taken for it (Europe/London is GMT in winter only)."""
    assert all(same_zone(zone, "UTC") for zone in ("Etc/UTC", "GMT", "Zulu", "Etc/Universal", "UCT", "Etc/GMT+0",
                                                   "GMT0", "Greenwich", "utc"))
    assert same_zone("GMT", "Etc/Zulu") and same_zone("Asia/Tokyo", "asia/tokyo")
    assert not any(same_zone(zone, "UTC") for zone in ("Europe/London", "Africa/Abidjan", "Etc/GMT+1", "../UTC", ""))
    assert not same_zone("Asia/Calcutta", "Asia/Kolkata")  # a link, not proved one zone (see is_utc)


def test_reextract_since_takes_relative_days_read_at_utc_midnight(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `reextract --since 7d` was refused (`'7d' is not a date`), and a date was compared at the session's
    (the machine's zone's) midnight. Now the day is said, and compared at UTC's midnight whatever the session's zone:
    at Kiritimati (+14) the article fetched at 20:00 UTC on the 5th was taken by --since 2026-12-06."""
    store = _dated_store(tmp_path / "w.duckdb")
    out, err = _run(capsys, _config(store), "reextract", "--since", "7d")
    assert err.startswith("newsflow: --since 7d is ") and err.endswith(" in UTC\n")
    dated, _ = _run(capsys, _config(store), "reextract", "--since", err.split(" is ")[1].split()[0])
    assert out == dated and out.startswith("re-extracted 0 of ")  # no kept HTML
    with store.reading() as con:
        con.execute("SET TimeZone = 'Pacific/Kiritimati'")
        since = [t.article_id for t in warehouse.articles_to_reextract(con, datetime(2026, 12, 6).date())]
    assert since == ["a1"]
    with pytest.raises(SystemExit) as stop:
        cli.main(["reextract", "--since", "last week", "--config", str(_config(store))])
    assert stop.value.code == 2 and "argument --since: 'last week' is not a date like" in capsys.readouterr().err
