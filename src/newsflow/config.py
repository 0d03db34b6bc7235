"""Read and validate `newsflow.toml` before any I/O.

Every key, its type and its default live in `SETTINGS`, the one declarative table that
drives validation, defaults and the docs test (`tests/test_config.py` checks that each key is
documented in `config/newsflow.toml` and the README). Errors name the key at fault.
Relative paths resolve against the config file's folder, never the working directory.
"""

from __future__ import annotations

import ipaddress
import math
import os
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsflow import DEFAULT_USER_AGENT
from newsflow.configfeeds import CONTROL, no_feeds_warning, read_feeds, shown, type_name
from newsflow.configfile import (
    read_config_text,
    resolve_config_path,
    resolve_warehouse_path,
    shown_path,
)
from newsflow.configlines import did_you_mean, key_shown, located, toml_hint
from newsflow.configzones import search_zone
from newsflow.errors import ConfigError
from newsflow.files import stray_saves
from newsflow.models import FeedConfig

# A run's default budget, as a share of the schedule's interval: it ends before the next one is due.
RUN_BUDGET_SHARE = 0.8


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    type: type | tuple[type, ...]
    default: Any
    help: str

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.key}"


SETTINGS: tuple[Setting, ...] = (
    Setting("warehouse", "path", str, "../warehouse/news.duckdb",
            "DuckDB file, relative to this config file (~/ is home)"),
    Setting("warehouse", "lock_timeout", (int, float), 0.0,
            "seconds to wait for another run's lock before giving up; 0 fails at once"),
    Setting("warehouse", "write_patience", (int, float), 5.0,
            "seconds a run waits, once, for a reader holding the warehouse before spooling its loads"),
    Setting("fetch", "timeout", (int, float), 20.0, "seconds for a whole request: connect, headers and body"),
    Setting("fetch", "max_bytes", int, 10_000_000,
            "cap on the decoded body, in bytes (an eighth more on a packed body's own)"),
    Setting("fetch", "concurrency", int, 32, "requests in flight"),
    Setting("fetch", "per_host_concurrency", int, 2, "requests in flight to one host"),
    Setting("fetch", "per_host_delay", (int, float), 1.0, "seconds between request starts to one host"),
    Setting("fetch", "user_agent", str, DEFAULT_USER_AGENT, "User-Agent header"),
    Setting("fetch", "block_private_networks", bool, True,
            "refuse loopback, private, link-local and reserved targets"),
    Setting("fetch", "allowed_networks", list, [], "CIDRs exempt from block_private_networks"),
    Setting("fetch", "max_redirects", int, 10, "redirects followed per request"),
    Setting("fetch", "respect_robots", bool, True, "skip article URLs that robots.txt disallows"),
    Setting("fetch", "max_retry_after", (int, float), 60.0,
            "cap, in seconds, on the Retry-After pauses one host may cost a run; beyond it: rate_limited"),
    Setting("extract", "timeout", (int, float), 30.0, "seconds of extraction per page before giving up"),
    Setting("extract", "workers", int, 0, "extraction processes; 0 means one per core"),
    Setting("extract", "batch_size", int, 100, "articles fetched, extracted and loaded per batch"),
    Setting("extract", "keep_html", bool, True, "keep each stored article's HTML, compressed, for reextract"),
    Setting("extract", "html_budget_mb", int, 2048, "cap on the kept HTML, compressed; the oldest pages go first"),
    Setting("stories", "window_days", int, 30, "days back a new article is compared with; older stories are closed"),
    Setting("polling", "min_interval", int, 600, "shortest seconds between polls of one feed; 0 polls every run"),
    Setting("polling", "max_interval", int, 86400, "longest seconds between polls of one feed"),
    Setting("polling", "max_entries_per_feed", int, 200,
            "entries taken from one feed per poll, newest first; older ones wait for a later poll"),
    Setting("polling", "adopt_redirect_after_polls", int, 5,
            "consecutive polls a feed must answer the same permanent redirect before its target is polled "
            "instead; 0 never adopts one"),
    Setting("polling", "adopt_redirect_after_seconds", int, 86400,
            "and the time those polls must span, in seconds"),
    Setting("schedule", "interval", int, 900, "seconds between scheduled runs of `newsflow serve`"),
    Setting("schedule", "cron", str, "", "a cron schedule instead of interval, e.g. \"*/15 * * * *\""),
    Setting("schedule", "timezone", str, "UTC", "time zone of the cron schedule"),
    Setting("search", "tz", str, "UTC", "time zone of `newsflow search`'s days when --tz is not given"),
    Setting("execution", "task_runner", str, "local", "where fetch and extract run: local or dask"),
    Setting("execution", "address", str, "", "Dask scheduler address; empty starts a local cluster"),
    Setting("execution", "run_budget_seconds", (int, float), 0,
            "wall-clock budget of one run; work left stays pending; 0 means 80% of schedule.interval"),
    Setting("execution", "max_articles_per_run", int, 5000,
            "pending articles fetched by one run, oldest first; the rest wait for the next run"),
    Setting("execution", "max_refetches_per_run", int, 100,
            "stored articles fetched again by one run because their feed entry says they changed (its `updated` moved "
            "forward, or its title changed), after every pending page; 0 never refetches"),
    Setting("execution", "refetch_interval_seconds", int, 21600,
            "an article is fetched again at most once in this many seconds, however often its entry changes"),
    Setting("execution", "max_article_attempts", int, 3,
            "failed fetches, extractions or loads in a row after which an entry is parked"),
    Setting("execution", "api_patience_seconds", (int, float), 300,
            "how long `newsflow serve` goes on while its Prefect API answers nothing, or only errors 5xx; then it "
            "exits 4, for its supervisor to restart it; 0 never"),
)

# Keys that were settings once: an old config gets one line saying what to do, not "unknown key".
REMOVED_SETTINGS = {
    "execution.prefect": "was removed: every run is a Prefect flow run now (newsflow starts a local Prefect "
                         "server when none is configured); delete this line",
}
# Settings in seconds are added to datetimes and deadlines: past ten years they overflow or
# mean "never", so they are refused rather than crash a run later.
_SECONDS_KEYS = ("warehouse.lock_timeout", "fetch.timeout", "fetch.per_host_delay", "fetch.max_retry_after",
                 "extract.timeout", "polling.min_interval", "polling.max_interval", "schedule.interval",
                 "polling.adopt_redirect_after_seconds", "execution.api_patience_seconds",
                 "warehouse.write_patience", "execution.run_budget_seconds",
                 "execution.refetch_interval_seconds")
MAX_SECONDS = 10 * 366 * 86400
MAX_WINDOW_DAYS = 36_600
# extract.workers processes start whatever the batch, ~50 MiB each: a typo (1000 for 10) would start
# them all and take the machine's memory. No machine newsflow runs on has more cores than this.
MAX_WORKERS = 256
# extract.html_budget_mb is turned into bytes for DuckDB, whose BIGINT it must fit: 1 EiB is plenty.
MAX_HTML_BUDGET_MB = 2**40
MAX_USER_AGENT_CHARS = 1000
# Counts with no bound of their own: 10**20 reached DuckDB as a LIMIT (a traceback, exit 1) and zlib as a length
# (OverflowError on every packed page). A billion is past any run's reach; a body's cap is 1 TiB (Local 31).
MAX_COUNT = 10**9
MAX_BODY_BYTES = 2**40
_COUNT_KEYS = ("fetch.concurrency", "fetch.per_host_concurrency", "fetch.max_redirects", "extract.batch_size",
               "polling.max_entries_per_feed", "polling.adopt_redirect_after_polls",
               "execution.max_articles_per_run", "execution.max_article_attempts",
               "execution.max_refetches_per_run")


@dataclass(frozen=True)
class FetchSettings:
    timeout: float = 20.0
    max_bytes: int = 10_000_000
    concurrency: int = 32
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    user_agent: str = DEFAULT_USER_AGENT
    block_private_networks: bool = True
    allowed_networks: tuple[str, ...] = ()
    max_redirects: int = 10
    respect_robots: bool = True
    max_retry_after: float = 60.0


@dataclass(frozen=True)
class ExtractSettings:
    timeout: float = 30.0
    workers: int = 0
    batch_size: int = 100
    keep_html: bool = True
    html_budget_mb: int = 2048

    @property
    def worker_count(self) -> int:
        return self.workers or max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class StorySettings:
    window_days: int = 30


@dataclass(frozen=True)
class PollingSettings:
    min_interval: int = 600
    max_interval: int = 86400
    max_entries_per_feed: int = 200
    adopt_redirect_after_polls: int = 5
    adopt_redirect_after_seconds: int = 86400


@dataclass(frozen=True)
class ScheduleSettings:
    interval: int = 900
    cron: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True)
class SearchSettings:
    tz: str = "UTC"  # as the tz database spells it (the config may give any case, as --tz)


@dataclass(frozen=True)
class ExecutionSettings:
    task_runner: str = "local"
    address: str = ""
    run_budget_seconds: float = 0
    max_articles_per_run: int = 5000
    max_article_attempts: int = 3
    max_refetches_per_run: int = 100  # stored articles fetched again because their entry changed ("Updates 58")
    refetch_interval_seconds: int = 21600  # at most once per article in this time
    api_patience_seconds: float = 300


@dataclass(frozen=True)
class Config:
    path: Path
    warehouse_path: Path
    lock_timeout: float
    fetch: FetchSettings
    extract: ExtractSettings
    feeds: tuple[FeedConfig, ...]
    polling: PollingSettings = PollingSettings()
    stories: StorySettings = StorySettings()
    schedule: ScheduleSettings = ScheduleSettings()
    execution: ExecutionSettings = ExecutionSettings()
    search: SearchSettings = SearchSettings()
    write_patience: float = 5.0
    warnings: tuple[str, ...] = ()  # what is valid but likely a mistake; run, serve and feeds print them

    @property
    def run_budget(self) -> float:
        """Seconds a run may take: `execution.run_budget_seconds`, or 80% of `schedule.interval`."""
        return float(self.execution.run_budget_seconds) or RUN_BUDGET_SHARE * self.schedule.interval

    def select_feeds(self, names: list[str] | None = None) -> tuple[FeedConfig, ...]:
        """The enabled feeds, or exactly the named ones (enabled or not)."""
        if not names:
            return tuple(f for f in self.feeds if f.enabled)
        known = {f.name: f for f in self.feeds}
        unknown = [n for n in names if n not in known]
        if unknown:
            said = (name if name.isprintable() and len(name) <= 100 else shown(name) for name in unknown)
            raise ConfigError("feeds", f"no feed named {', '.join(said)} in {self.path}")
        return tuple(known[n] for n in names)


def load_config(path: str | Path | None = None) -> Config:
    config_path = resolve_config_path(path)
    text = read_config_text(config_path)
    try:
        raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(config_path), f"not valid TOML: {exc}{toml_hint(str(exc), text)}") from exc
    except RecursionError as exc:  # `x = [[[[...]]]]` thousands deep: tomllib recurses per level
        raise ConfigError(str(config_path), "not a config: its arrays or tables nest thousands deep") from exc
    try:
        config = parse_config(raw, config_path)
    except ConfigError as exc:  # with the line it is on: a key in a config of 10,000 feeds is found at once
        raise located(exc, text, shown_path(config_path)) from exc
    warnings = (*config.warnings, *stray_saves(config_path))  # an import killed as it replaced the config
    if not config.feeds:
        warnings = (*warnings, no_feeds_warning(shown_path(config_path), text))
    return replace(config, warnings=warnings)


def parse_config(raw: dict[str, Any], config_path: Path) -> Config:
    sections = {s.section for s in SETTINGS}
    for name in raw:
        if name not in sections and name != "feeds":
            raise ConfigError(key_shown(name), f"unknown section; {did_you_mean(name, sections | {'feeds'})}"
                              f"expected one of {sorted(sections | {'feeds'})}")
    values = {s.dotted: _read_setting(raw, s) for s in SETTINGS}
    fetch = FetchSettings(
        **{s.key: values[s.dotted] for s in SETTINGS if s.section == "fetch" and s.key != "allowed_networks"},
        allowed_networks=_read_networks(values["fetch.allowed_networks"]),
    )
    extract = ExtractSettings(**_section(values, "extract"))
    polling = PollingSettings(**_section(values, "polling"))
    stories = StorySettings(**_section(values, "stories"))
    schedule = ScheduleSettings(**_section(values, "schedule"))
    execution = ExecutionSettings(**_section(values, "execution"))
    _check_limits(fetch, values)
    _check_run_limits(values)
    _check_schedule(polling, schedule, execution)
    warehouse_path = resolve_warehouse_path(config_path, _printable_path(str(values["warehouse.path"])))
    feeds, warnings = read_feeds(raw.get("feeds", []))
    return Config(
        path=config_path,
        warehouse_path=warehouse_path,
        lock_timeout=float(values["warehouse.lock_timeout"]),
        fetch=fetch,
        extract=extract,
        feeds=feeds,
        polling=polling,
        stories=stories,
        schedule=schedule,
        execution=execution,
        search=SearchSettings(search_zone(values["search.tz"])),
        write_patience=float(values["warehouse.write_patience"]),
        warnings=warnings,
    )


def _printable_path(path: str) -> str:
    """A path with a terminal escape or a line end would write it raw into every error line naming it."""
    if not path.strip():  # "" named the config's own folder (exit 3, "it is a folder"), " " made a warehouse named so
        raise ConfigError("warehouse.path", f"is {shown(path)}; set it to the warehouse's file, or delete the line for "
                          "the default, \"../warehouse/news.duckdb\"")
    if "\x00" not in path and CONTROL.search(path):  # a NUL has its own line (configfile.py)
        raise ConfigError("warehouse.path", f"{shown(path)} holds a control character (a terminal escape, a line "
                          "end); set it to a file name")
    return path


def _section(values: dict[str, Any], section: str) -> dict[str, Any]:
    return {s.key: values[s.dotted] for s in SETTINGS if s.section == section}


def _read_setting(raw: dict[str, Any], setting: Setting) -> Any:
    section = raw.get(setting.section, {})
    if not isinstance(section, dict):
        raise ConfigError(setting.section, "must be a table, like [" + setting.section + "]")
    known = {s.key for s in SETTINGS if s.section == setting.section}
    for key in section:
        if f"{setting.section}.{key}" in REMOVED_SETTINGS:
            raise ConfigError(f"{setting.section}.{key}", REMOVED_SETTINGS[f"{setting.section}.{key}"])
        if key not in known:
            raise ConfigError(f"{setting.section}.{key_shown(key)}",
                              f"unknown key; {did_you_mean(key, known)}expected one of {sorted(known)}")
    value = section.get(setting.key, setting.default)
    if isinstance(value, bool) and setting.type is not bool:
        raise ConfigError(setting.dotted, f"expected a number, got {shown(value)}")
    if not isinstance(value, setting.type):
        raise ConfigError(setting.dotted, f"expected {type_name(setting.type)}, got {shown(value)}")
    return value


def _check_numbers(values: dict[str, Any]) -> None:
    """Every number finite (TOML allows nan and inf), and seconds within MAX_SECONDS."""
    for key, value in values.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(key, f"must be a finite number, got {shown(value)}")
    for key in _SECONDS_KEYS:
        if values[key] > MAX_SECONDS:
            raise ConfigError(key, f"must be at most {MAX_SECONDS} seconds (ten years), got {values[key]!r}")
    for key, most in (("stories.window_days", MAX_WINDOW_DAYS), ("extract.workers", MAX_WORKERS),
                      ("extract.html_budget_mb", MAX_HTML_BUDGET_MB), ("fetch.max_bytes", MAX_BODY_BYTES),
                      *((count, MAX_COUNT) for count in _COUNT_KEYS)):
        if values[key] > most:
            raise ConfigError(key, f"must be at most {most}, got {values[key]!r}")


def _check_limits(fetch: FetchSettings, values: dict[str, Any]) -> None:
    _check_numbers(values)
    positive = ["stories.window_days", "fetch.timeout", "fetch.max_bytes", "fetch.concurrency",
                "fetch.per_host_concurrency",
                "fetch.max_redirects", "extract.timeout", "extract.batch_size"]
    for key in positive:
        if values[key] <= 0:
            raise ConfigError(key, f"must be greater than 0, got {values[key]!r}")
    for key in ["fetch.per_host_delay", "fetch.max_retry_after", "extract.workers", "warehouse.lock_timeout",
                "warehouse.write_patience", "extract.html_budget_mb",
                "polling.min_interval", "schedule.interval", "polling.adopt_redirect_after_polls",
                "polling.adopt_redirect_after_seconds", "execution.api_patience_seconds"]:
        if values[key] < 0:
            raise ConfigError(key, f"must not be negative, got {values[key]!r}")
    if not fetch.user_agent.strip():
        raise ConfigError("fetch.user_agent", "must not be empty")
    if not fetch.user_agent.isascii() or CONTROL.search(fetch.user_agent):
        raise ConfigError("fetch.user_agent", "must be printable ASCII: it is sent as an HTTP header")
    if len(fetch.user_agent) > MAX_USER_AGENT_CHARS:  # servers refuse such a header (431): every request fails
        raise ConfigError("fetch.user_agent",
                          f"is {len(fetch.user_agent):,} characters; at most {MAX_USER_AGENT_CHARS}")


def _check_run_limits(values: dict[str, Any]) -> None:
    """The caps that bound one run's time and memory (docs/polling.md)."""
    for key in ["polling.max_entries_per_feed", "execution.max_articles_per_run", "execution.max_article_attempts"]:
        if values[key] <= 0:
            raise ConfigError(key, f"must be greater than 0, got {values[key]!r}")
    for key, allowed in (("execution.max_refetches_per_run", "0 (never) or more"),  # "Updates 58"
                         ("execution.refetch_interval_seconds", "0 or more seconds")):
        if values[key] < 0:
            raise ConfigError(key, f"must be {allowed}, got {values[key]!r}")
    budget = values["execution.run_budget_seconds"]
    if not math.isfinite(budget) or budget < 0:
        raise ConfigError("execution.run_budget_seconds", f"must be 0 (automatic) or seconds, got {budget!r}")


def _check_schedule(polling: PollingSettings, schedule: ScheduleSettings, execution: ExecutionSettings) -> None:
    if schedule.interval == 0 and execution.run_budget_seconds == 0:
        # the budget is a share of the interval: 0 gave every run 0 s, and each did nothing, exit 0, for good
        raise ConfigError("schedule.interval", "is 0 while execution.run_budget_seconds is 0 (a run's budget is "
                          f"{RUN_BUDGET_SHARE:.0%} of schedule.interval), so every run would stop before polling "
                          "a feed: set schedule.interval to the seconds between runs (with a cron, about its "
                          "period), or execution.run_budget_seconds")
    if polling.max_interval < max(polling.min_interval, 1):
        raise ConfigError("polling.max_interval", f"must be at least min_interval and 1, got {polling.max_interval}")
    if schedule.cron and len(schedule.cron.split()) not in (5, 6):
        raise ConfigError("schedule.cron", f"{shown(schedule.cron)} is not a cron expression like \"*/15 * * * *\"")
    try:
        ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long for a file name
        raise ConfigError("schedule.timezone", f"unknown time zone {shown(schedule.timezone)}") from exc
    if execution.task_runner not in ("local", "dask"):
        raise ConfigError("execution.task_runner", f"must be \"local\" or \"dask\", got {shown(execution.task_runner)}")


def _read_networks(items: list[Any]) -> tuple[str, ...]:
    networks = []
    for index, item in enumerate(items):
        try:
            networks.append(str(ipaddress.ip_network(str(item), strict=False)))
        except ValueError as exc:
            raise ConfigError(f"fetch.allowed_networks[{index}]", f"{shown(item)} is not a CIDR") from exc
    return tuple(networks)
