"""The config's time zone names, as the tz database spells them.

`search.tz` is read in any case, as `newsflow search --tz` is, and stored in the tz database's spelling; its
names are Python's tz database's (the `tzdata` package where the system has none), not DuckDB's ICU list,
so that loading a config never imports DuckDB (docs/search.md, "Analyst 48").
"""

from __future__ import annotations

import difflib
from zoneinfo import available_timezones

from newsflow.configfeeds import shown
from newsflow.errors import ConfigError


def search_zone(name: str) -> str:
    """`search.tz` as the tz database spells it, read in any case as --tz is (not `localtime`: DuckDB lacks it)."""
    if name == "UTC":  # the default: no look-up (it opens ~600 zone files, 25 ms)
        return name
    names = {n.lower(): n for n in available_timezones() - {"localtime"}}
    if (key := name.strip().lower()) in names:
        return names[key]
    close = [names[n] for n in difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)]
    hint = f" (did you mean {' or '.join(close)}?)" if close else ""
    raise ConfigError("search.tz", f"unknown time zone {shown(name)}{hint}; set it to a tz database name such as "
                      "America/New_York or UTC (the default), or delete it and pass --tz to each search")
