"""The world generator itself: seeded, faults that change per run, DNS that never leaves the table,
ground truth recorded only for whole deliveries, canaries that notice a hit. No `newsflow run` here."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import replace
from urllib.parse import urlsplit

import pytest

from newsflow.config import FetchSettings
from newsflow.feeds import parse_feed
from newsflow.fetch import Fetcher, guarded_transport
from newsflow.models import FetchResult, Outcome
from newsflow.netguard import NameResolutionError
from tests.world import beside, content, faults, fetchfaults
from tests.world.dns import DnsTable, WorldResolver
from tests.world.world import ALLOWED_NETWORKS, World, WorldSpec, open_world


def fetch_all(world: World, table: DnsTable, urls: list[str]) -> list[FetchResult]:
    # A deadline well above the world's latency fault (0.3 s), so a loaded machine does not turn it into a timeout.
    settings = FetchSettings(allowed_networks=ALLOWED_NETWORKS, timeout=3.0, per_host_delay=0.0, max_retry_after=1.0)

    async def go() -> list[FetchResult]:
        # One fetcher for every feed, as in a run: a connection pooled after one feed's faulted answer
        # (closed without a word) is retried on a fresh one, never another feed's connect_error.
        transport = guarded_transport(settings, resolver=WorldResolver(table))
        async with Fetcher(settings, transport=transport) as fetcher:
            return list(await asyncio.gather(*(fetcher.fetch_feed(url) for url in urls)))

    return asyncio.run(go())


def test_the_same_seed_builds_the_same_world_and_fault_schedule() -> None:
    spec = WorldSpec(seed=7, sites=3, feeds=8, runs=5, fault_rate=0.5)
    with open_world(spec) as first, open_world(spec) as second:
        for run in range(spec.runs):
            assert first.events_for(run) == second.events_for(run)
            assert [first.fault_for(f"feed:{j}", run) for j in range(8)] == [
                second.fault_for(f"feed:{j}", run) for j in range(8)]
            assert first.feed_body(3, run).replace(str(first.port).encode(), b"P") == second.feed_body(
                3, run).replace(str(second.port).encode(), b"P")


def test_faults_change_from_run_to_run_and_cover_every_kind() -> None:
    spec = WorldSpec(seed=11, sites=2, feeds=40, fault_rate=0.5)
    with open_world(spec) as world:
        schedules = [tuple(world.fault_for(f"feed:{j}", run) for j in range(40)) for run in range(4)]
        kinds = Counter(f.kind for schedule in schedules for f in schedule if f is not None)
    assert len(set(schedules)) == 4, "each run draws its own faults"
    assert set(kinds) == set(faults.ENDPOINT_FAULTS)


def test_the_world_resolver_answers_from_its_table_and_fails_everything_else() -> None:
    table = DnsTable({"site-0.world.test": ["127.0.0.2"]}, frozenset({"site-1.world.test"}))
    resolver = WorldResolver(table)
    assert asyncio.run(resolver("SITE-0.world.test", 80)) == ["127.0.0.2"]
    assert asyncio.run(resolver("127.0.0.9", 80)) == ["127.0.0.9"]
    assert asyncio.run(resolver("2130706433", 80)) == ["127.0.0.1"]  # inet_aton forms, parsed locally
    for name in ("site-1.world.test", "example.com", "localhost"):
        with pytest.raises(NameResolutionError):
            asyncio.run(resolver(name, 80))
    offline = WorldResolver(DnsTable({"site-0.world.test": ["127.0.0.2"]}, outage=True))
    with pytest.raises(NameResolutionError, match="outage"):
        asyncio.run(offline("site-0.world.test", 80))


def test_only_whole_well_formed_feed_bodies_count_as_served() -> None:
    spec = WorldSpec(seed=3, sites=2, feeds=30, fault_rate=0.6, faults=faults.ENDPOINT_FAULTS, event_rate=0.0)
    with open_world(spec) as world:
        table = world.begin_run(0)
        urls = world.feed_urls()
        results = fetch_all(world, table, list(urls.values()))
        # The server records a served item after writing it, so the client can read it first.
        assert world.settled(), "the server was still answering 10 s after the client read its answers"
        served_feeds = {feed for feed, _ in world.ledger.served}
    kinds = {feed: getattr(world.fault_for(f"feed:{feed.split('-')[1]}", 0), "kind", None) for feed in urls}
    slowed = {urlsplit(urls[feed]).hostname for feed, kind in kinds.items()
              if kind in (faults.STATUS_429, faults.STATUS_503)}
    for feed, result in zip(urls, results, strict=True):
        fault = world.fault_for(f"feed:{feed.split('-')[1]}", 0)
        whole = fault is None or fault.kind in (faults.LATENCY, faults.BAD_HEADERS)
        if whole and result.outcome.value == "rate_limited" and result.status_code is None:
            # not sent: its host paused by a sibling's 429 or 503 (since red team 52, an unreadable Retry-After too)
            assert urlsplit(urls[feed]).hostname in slowed and feed not in served_feeds, (feed, result.error)
            continue
        assert (feed in served_feeds) == whole, (feed, fault, result.outcome)
        if whole:
            assert result.outcome.value == "ok", (feed, fault, result.error)


def test_unresolvable_hosts_fail_in_the_resolver() -> None:
    spec = WorldSpec(seed=5, sites=2, feeds=10, fault_rate=0.0, event_rate=0.0)
    with open_world(spec) as world:
        table = world.begin_run(0)
        broken = DnsTable(table.hosts, frozenset({"site-1.world.test"}))
        results = fetch_all(world, broken, list(world.feed_urls().values()))
    assert Counter(r.outcome.value for r in results) == {"dns_error": 5, "ok": 5}


def test_private_address_targets_are_refused_and_the_canary_would_see_a_hit() -> None:
    spec = WorldSpec(seed=5, sites=1, feeds=1, fault_rate=0.0, event_rate=0.0)
    with open_world(spec) as world:
        table = world.begin_run(0)
        context = {"site": world.site_host(0), "port": world.port, "canary": world.canary.port}
        targets = [loc.format(**context) for loc in faults.BAD_LOCATIONS if "/canary/" in loc]
        targets.append(f"http://{world.site_host(0)}:{world.port}/hop/0")
        results = fetch_all(world, table, targets)
        assert world.canary.requests == [], "the address policy held for every canary target"
        canary_open = FetchSettings(allowed_networks=("127.0.0.0/8",), timeout=1.0, per_host_delay=0.0)

        async def hit() -> FetchResult:
            async with Fetcher(canary_open, transport=guarded_transport(canary_open, WorldResolver(table))) as f:
                return await f.fetch_feed(targets[0])

        asyncio.run(hit())
        assert [r.path for r in world.canary.requests] == ["/canary/literal"], "a breach would be recorded"
    assert {r.outcome.value for r in results} == {"blocked"}


def test_red_team_5_kinds_change_no_seeded_draw_and_do_what_they_say() -> None:
    """`slow_extract`, `sigterm`, `churning_guid` and `moved_rate` come from their own streams: a spec
    without them draws what it drew before; with them, GUIDs churn per run, a moved feed answers 301
    to a path that serves it, and a slow page goes to articles only."""
    base = WorldSpec(seed=7, sites=2, feeds=6, runs=3, fault_rate=0.5)
    more = replace(base, faults=(*base.faults, faults.SLOW_EXTRACT), events=(*base.events, faults.SIGTERM),
                   event_rate=1.0)
    with open_world(base) as plain, open_world(replace(base, event_rate=1.0)) as plain_events, \
            open_world(more) as red:  # plain and plain_events differ in events only
        for run in range(3):
            assert replace(red.events_for(run), sigterm_after_requests=None) == plain_events.events_for(run)
            assert red.events_for(run).sigterm_after_requests is not None
            assert [plain.fault_for(f"feed:{j}", run) for j in range(6)] == [
                plain_events.fault_for(f"feed:{j}", run) for j in range(6)]
        drawn = Counter(f.kind for j in range(40) if (f := red.fault_for(f"article:0:{j}", 0)) is not None)
        assert drawn[faults.SLOW_EXTRACT] > 0 and faults.SLOW_EXTRACT not in base.faults
    churning = WorldSpec(seed=1, sites=1, feeds=1, runs=2, fault_rate=0.0, event_rate=0.0, guid_fault_rate=1.0,
                         guid_faults=(faults.CHURNING_GUID,), moved_rate=1.0)
    with open_world(churning) as world:
        guids = []
        for run in range(2):
            table = world.begin_run(run)
            [result] = fetch_all(world, table, list(world.feed_urls().values()))
            assert result.outcome.value == "ok" and result.redirects[0][0] == 301
            assert result.final_url.endswith("/feeds/0/moved.xml")
            guids.append(set(re.findall(rb"<guid[^>]*>([^<]+)</guid>", result.body)))
        assert guids[0] and not guids[0] & guids[1], "every GUID is new on the next run"
        assert world.settled(), "the server was still answering 10 s after the client read its answers"
        assert len(world.ledger.served) == 6, "the moved feed's items are served, and recorded"


def test_red_team_6_content_faults_change_no_seeded_draw_and_do_what_they_say() -> None:
    """tests/world/content.py: a spec without content faults draws and serves what it did before;
    with them, each feed shows its fault, the alias item and the cookie check resolve to whole
    pages through the real fetcher, and a request for a podcast GUID is recorded as a stray."""
    base = WorldSpec(seed=43, sites=2, feeds=5, runs=1, fault_rate=0.0, event_rate=0.0, guid_fault_rate=0.0)
    red = replace(base, content_fault_rate=1.0, content_faults=content.CONTENT_FAULTS)
    with open_world(base) as plain, open_world(red) as world:
        assert [plain.fault_for(f"feed:{j}", 0) for j in range(5)] == [world.fault_for(f"feed:{j}", 0)
                                                                        for j in range(5)]
        assert b'encoding="utf-8"' in plain.feed_body(0, 0) and b"old" not in plain.feed_body(1, 0)
        table = world.begin_run(0)
        kinds = {content.content_fault(red, j): j for j in range(5)}
        assert set(kinds) == set(content.CONTENT_FAULTS)
        bodies = {kind: world.feed_body(j, 0) for kind, j in kinds.items()}
        assert bodies[content.UTF16_CLAIM].startswith(b'<?xml version="1.0" encoding="UTF-16"?>')
        assert "\u2603".encode() in bodies[content.IDNA_LINK]
        assert b"<guid>ep" in bodies[content.PODCAST_ITEM] and b"<enclosure" in bodies[content.PODCAST_ITEM]
        newest = world.items_shown(kinds[content.ALIAS_ITEM], 0)[0]
        cookie_item = world.items_shown(kinds[content.COOKIE_CHECK], 0)[0]
        alias, cookie = fetch_all(world, table, [content.alias_url(newest.url), cookie_item.url])
        assert (alias.outcome.value, alias.final_url, alias.redirects[0][0]) == ("ok", newest.url, 301)
        assert (cookie.outcome.value, cookie.final_url, cookie.redirects[0][0]) == ("ok", cookie_item.url, 302)
        feed_url = world.feed_urls()[world.feed_id(kinds[content.PODCAST_ITEM])]
        [stray] = fetch_all(world, table, [feed_url.rsplit("/", 1)[0] + "/ep3"])
        assert world.settled()
        assert world.ledger.strays == ["/feeds/ep3"] and stray.outcome.value == "http_error"


def test_red_team_12_events_change_no_seeded_draw_and_do_what_they_say() -> None:
    """tests/world/worldevents.py: a spec without red team 12's events draws what it drew before; with
    them, a blackholed host is connected to and answers nothing (a `timeout` with no byte back) while
    the others answer, the next run it answers again, and a renamed or removed feed changes the
    config's names while what it delivered follows it to its new name."""
    base = WorldSpec(seed=182, sites=3, feeds=4, runs=3, fault_rate=0.3, event_rate=0.5)
    red = replace(base, events=(*base.events, *faults.RED_TEAM_12_EVENTS))
    with open_world(base) as plain, open_world(red) as world:
        for run in range(3):
            assert replace(world.events_for(run), turns=plain.events_for(run).turns) == plain.events_for(run)
            assert plain.events_for(run).turns == replace(world.events_for(run).turns, blackholed=frozenset(),
                                                          clock_shift=0, clock_for_good=False,
                                                          kill_after_seconds=None, config_change=None)
        turns = [world.events_for(run).turns for run in range(3)]
        assert [len(t.blackholed) for t in turns] == [0, 3, 0] and turns[1].clock_shift == -86400
        assert turns[0].kill_after_seconds is not None and turns[2].config_change == ("remove", 1)
    calm = replace(base, fault_rate=0.0, events=(faults.BLACKHOLE,), event_rate=1.0, sites=2, feeds=2)
    with open_world(calm) as world:
        table = world.begin_run(0)
        held = world.events.turns.blackholed
        results = fetch_all(world, table, list(world.feed_urls().values()))
        for feed, result in enumerate(results):
            if feed % calm.sites in held:
                assert (result.outcome.value, result.unanswered) == ("timeout", True), result.error
            else:
                assert result.outcome.value == "ok"
        assert world.settled(), "a held connection was still held after its client hung up"
        world.begin_run(1, calm=True)
        assert all(r.outcome.value == "ok" for r in fetch_all(world, world.dns_table(1),
                                                               list(world.feed_urls().values())))
    renamed = replace(base, fault_rate=0.0, events=(faults.RENAME,), event_rate=1.0, sites=1, feeds=2)
    with open_world(renamed) as world:
        world.begin_run(0)
        world.ledger.serve("feed-0", world.items_shown(0, 0), 0)
        names = []
        for run in range(1, 4):
            world.begin_run(run)
            names.append(sorted(world.feed_urls()))
        assert names[0] != ["feed-0", "feed-1"], "the config changed"
        owner = world.feed_id(0)
        assert {feed for feed, _ in world.ledger.served} == {owner}, "what feed 0 delivered follows its name"


def test_world15_fetch_kinds_answer_as_documented_and_change_no_seeded_world() -> None:
    """`partial` delivers nothing (http_error); `gzip_layers` and `skewed_retry` deliver the whole feed once the
    fetcher unpacks it or waits the skewed server's 1 s (or, its host's pause budget spent, is told to wait 1 s, not
    the skew); with `dead_addresses`, every host's name answers dead addresses first."""
    assert not any(fetchfaults.draw(WorldSpec(seed=3, fault_rate=1.0), 0, f"feed:{j}") for j in range(12))
    spec = WorldSpec(seed=3, sites=2, feeds=12, fault_rate=1.0, faults=fetchfaults.ENDPOINT_KINDS)
    with open_world(replace(spec, faults=(fetchfaults.DEAD_ADDRESSES,))) as dead_world:
        dead = dead_world.dns_table(0).hosts
    with open_world(spec) as world:
        table = world.begin_run(0)
        results = fetch_all(world, table, list(world.feed_urls().values()))
        drawn = [fetchfaults.draw(spec, 0, f"feed:{j}") for j in range(spec.feeds)]
        # The server records a served feed after writing it: under load the client reads it first (a CI failure)
        assert world.settled(), "the server was still answering 10 s after the client read its answers"
        served = {feed for feed, _ in world.ledger.served}
    assert {f.kind for f in drawn if f} == {fetchfaults.PARTIAL, fetchfaults.GZIP_LAYERS, fetchfaults.SKEWED_RETRY}
    for j, (fault, result) in enumerate(zip(drawn, results, strict=True)):
        assert fault is not None
        partial = fault.kind == fetchfaults.PARTIAL
        # a host's pauses in a run add up to `max_retry_after` at most: a second skewed feed there waits its turn
        waited = fault.kind == fetchfaults.SKEWED_RETRY and result.outcome is Outcome.RATE_LIMITED
        assert waited or result.outcome is (Outcome.HTTP_ERROR if partial else Outcome.OK), (fault, result.error)
        assert not waited or (result.retry_after or 0) <= 1.0, result.retry_after
        assert (world.feed_id(j) in served) is not (partial or waited)
    assert all(hosts == ["127.0.0.2"] for name, hosts in table.hosts.items() if name.startswith("site-"))
    assert all(len(hosts) > 1 and hosts[-1] == "127.0.0.2" and set(hosts[:-1]) <= {"127.0.0.3", "127.0.0.4"}
               for name, hosts in dead.items() if name.startswith("site-"))


def test_world16_kinds_change_no_seeded_draw_and_serve_one_item_list_in_every_type() -> None:
    """World16's kinds: a spec without them draws and serves what it did before; `format_change` serves one
    item list as RSS 2.0, Atom, JSON Feed and RDF in turn (newsflow's parser reads the same links and titles
    from each, RDF with the link for GUID), `relinked` spells each link another way every run (one canonical
    URL), and the companions (`second_run`, `user_command`) are drawn from their own stream only when listed."""
    base = WorldSpec(seed=4, sites=2, feeds=4, runs=4, fault_rate=0.3, event_rate=0.5)
    new = replace(base, events=(*base.events, *beside.BESIDE_EVENTS), content_fault_rate=1.0,
                  content_faults=content.FEED_FAULTS)
    with open_world(base) as plain, open_world(new) as world:
        for run in range(4):
            assert replace(world.events_for(run), beside=()) == plain.events_for(run)
            assert all(c.event in beside.BESIDE_EVENTS for c in world.events_for(run).beside)
            assert not plain.events_for(run).beside
        assert any(world.events_for(run).beside for run in range(4))
        assert [content.feed_format(base, j, 1) for j in range(4)] == ["rss"] * 4
        formats = {content.content_fault(new, j): j for j in range(4)}
        assert set(formats) == set(content.FEED_FAULTS)
        parsed = {}
        for kind, feed in formats.items():
            for run in range(4):
                body = world.feed_body(feed, run)
                parsed[kind, run] = parse_feed(body, feed_id="f", feed_url=world.feed_urls()[world.feed_id(feed)],
                                               headers={"content-type": content.FEED_TYPES[
                                                   content.feed_format(new, feed, run)]})
    changed = [content.feed_format(new, formats[content.FORMAT_CHANGE], run) for run in range(4)]
    assert sorted(changed) == sorted(content.FORMATS), changed
    for kind in content.FEED_FAULTS:
        items = [{(e.canonical_url, e.title) for e in parsed[kind, run].entries} for run in range(4)]
        titles = [{title for _, title in shown} for shown in items]
        assert all(len(shown) == base.window for shown in items), items
        for run in range(1, 4):  # one item list: the 4 items two runs both show, the same canonical links
            assert len(items[run] & items[run - 1]) == base.window - base.new_per_run, (kind, run)
            assert len(titles[run] & titles[run - 1]) == base.window - base.new_per_run
    links = [{e.url for e in parsed[content.RELINKED, run].entries} for run in range(4)]
    assert len({frozenset(shown) for shown in links}) == 4, "the links change every run"
    rdf = next(run for run in range(4) if changed[run] == "rdf")
    assert all(e.key == e.url for e in parsed[content.FORMAT_CHANGE, rdf].entries), "RDF items have no GUID"
