"""Config validation refuses what can never work (issue 11): bad ports, nan/inf, control characters.

Each value below once passed validation and failed later, inside a run: an out-of-range port
raised OverflowError in the fetcher, `nan` made every deadline meaningless, a huge interval
overflowed a datetime, and a newline in a feed name passed the `$` of the name pattern.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.config import load_config
from newsflow.errors import ConfigError

FEED = '[[feeds]]\nname = "a"\nurl = "https://example.org/feed.xml"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newsflow.toml"
    path.write_text(text, encoding="utf-8")
    return path


def feed(name: str = "b", url: str = "https://e.org/f", tags: str = "[]") -> str:
    return f'[[feeds]]\nname = "{name}"\nurl = "{url}"\ntags = {tags}\n'


@pytest.mark.parametrize(
    ("text", "key", "says"),
    [
        (feed(url="http://e.org:99999/feed"), "feeds[0].url", "Port out of range"),
        (feed(url="http://e.org:0/feed"), "feeds[0].url", "port 0"),
        (feed(url="http://e.org:http/feed"), "feeds[0].url", "Port could not be cast"),
        (feed(url="http://[::1/feed"), "feeds[0].url", "Invalid IPv6 URL"),
        (feed(url="http://["), "feeds[0].url", "not a valid URL"),
        (feed(url="https://e.org/f\\u0000"), "feeds[0].url", "control character"),
        (feed(name="bbc\\n"), "feeds[0].name", "must be letters"),
        (feed(name="bbc\\u0007"), "feeds[0].name", "must be letters"),
        (feed(tags='["world\\n"]'), "feeds[0].tags", "control characters"),
        ("[fetch]\ntimeout = nan\n" + FEED, "fetch.timeout", "finite"),
        ("[fetch]\ntimeout = inf\n" + FEED, "fetch.timeout", "finite"),
        ("[fetch]\nper_host_delay = -inf\n" + FEED, "fetch.per_host_delay", "finite"),
        ("[fetch]\nmax_retry_after = nan\n" + FEED, "fetch.max_retry_after", "finite"),
        ("[fetch]\nmax_retry_after = -1\n" + FEED, "fetch.max_retry_after", "negative"),
        ("[extract]\ntimeout = nan\n" + FEED, "extract.timeout", "finite"),
        ("[warehouse]\nlock_timeout = inf\n" + FEED, "warehouse.lock_timeout", "finite"),
        ("[polling]\nmax_interval = 1000000000000\n" + FEED, "polling.max_interval", "at most"),
        ("[schedule]\ninterval = 9000000000000000000\n" + FEED, "schedule.interval", "at most"),
        ("[stories]\nwindow_days = 100000000\n" + FEED, "stories.window_days", "at most"),
        ("[execution]\nmax_refetches_per_run = -1\n" + FEED, "execution.max_refetches_per_run", "0 (never) or more"),
        ("[execution]\nmax_refetches_per_run = 10000000000\n" + FEED, "execution.max_refetches_per_run", "at most"),
        ("[execution]\nrefetch_interval_seconds = -1\n" + FEED, "execution.refetch_interval_seconds", "0 or more"),
        ("[execution]\nrefetch_interval_seconds = 1000000000000\n" + FEED, "execution.refetch_interval_seconds",
         "at most"),
        ('[fetch]\nuser_agent = "newsflow\\r\\nX: 1"\n' + FEED, "fetch.user_agent", "printable ASCII"),
        ("[fetch]\nuser_agent = 'newsflöw'\n" + FEED, "fetch.user_agent", "printable ASCII"),
    ],
)
def test_values_that_can_never_work_are_refused_naming_the_key(tmp_path: Path, text: str, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == key
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)  # one line, even when the bad value had a newline


def test_ordinary_ports_and_long_intervals_still_load(tmp_path: Path) -> None:
    text = "[polling]\nmax_interval = 604800\n" + feed(url="http://e.org:8080/feed", name="x.y-z_1")
    config = load_config(write(tmp_path, text))
    assert config.feeds[0].url == "http://e.org:8080/feed"
    assert config.polling.max_interval == 604800
