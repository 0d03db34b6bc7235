"""Named queries: the SQL files in `warehouse/queries/`, run by name with `newsflow query NAME`.

Each file starts with a comment header that says what it is and what it takes:

    -- title: Top stories by number of outlets
    -- description: Stories carried by the most distinct sources, most widely carried first.
    -- param: days = 7   (how far back to look, by fetch time)
    -- param: limit = 20
    -- columns: story_id, title, sources, articles
    SELECT ... WHERE fetched_at >= now() - to_days($days) ... LIMIT $limit

A parameter's type is its default's: an integer, a number, a date (YYYY-MM-DD) or a string
(quoted, or any other text). `bind_params` turns `key=value` strings into typed values for
DuckDB's `$name` placeholders; a date may also be a day relative to today (`since=7d`), in the
query's `tz` parameter (docs/queries.md). This module reads files and parses text (and the clock,
for a relative day), and the caller runs the SQL (`newsflow.warehouse.run_read_query`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from newsflow.search_dates import FORMS, DaysAgo, read_day, time_zone, today_in

ParamValue = int | float | str | date

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")
_HEADER_LINE = re.compile(r"^--\s*(title|description|param|columns)\s*:\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_]\w*)\s*=\s*(.*?)\s*(?:\((.*)\))?$")
_PLACEHOLDER = re.compile(r"\$([A-Za-z_]\w*)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NamedQueryError(ValueError):
    """A named query that does not exist, has a bad header, or got a bad --param."""


@dataclass(frozen=True)
class QueryParam:
    name: str
    default: ParamValue
    help: str = ""

    @property
    def type_name(self) -> str:
        return {int: "int", float: "float", str: "str", date: "date"}[type(self.default)]

    def convert(self, text: str) -> ParamValue | DaysAgo:
        """`text` as this parameter's type, or NamedQueryError naming the parameter. A date may be a day relative to
        today (`7d`, `today`), read once the query's zone is known (`bind`), as `newsflow search --since` reads it."""
        try:
            if isinstance(self.default, date):
                return read_day(text)
            return type(self.default)(text)
        except ValueError:
            expected = FORMS if isinstance(self.default, date) else self.type_name
            raise NamedQueryError(
                f"--param {self.name} expects {expected} (default {self.default}), got {text!r}"
            ) from None


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    params: tuple[QueryParam, ...]
    columns: tuple[str, ...]
    sql: str

    def param(self, name: str) -> QueryParam:
        for param in self.params:
            if param.name == name:
                return param
        known = ", ".join(p.name for p in self.params) or "none"
        raise NamedQueryError(f"query {self.name} has no parameter {name!r}; its parameters: {known}")


def is_query_name(text: str) -> bool:
    """A bare word like `top_stories` names a query; anything with spaces or punctuation is SQL."""
    return bool(_NAME.match(text))


def list_queries(directory: Path) -> list[NamedQuery]:
    return [parse_query(path.stem, path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.sql"))]


def load_query(directory: Path, name: str) -> NamedQuery:
    path = directory / f"{name}.sql"
    if not is_query_name(name) or not path.is_file():
        known = ", ".join(p.stem for p in sorted(directory.glob("*.sql")))
        raise NamedQueryError(f"no named query {name!r}; `newsflow query --list` shows them: {known}")
    return parse_query(name, path.read_text(encoding="utf-8"))


def parse_query(name: str, text: str) -> NamedQuery:
    """Read the header of one query file; check that its parameters and placeholders agree."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": [], "columns": []}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _HEADER_LINE.match(line)
        if match:
            fields[match.group(1)].append(match.group(2))
    if not fields["title"]:
        raise NamedQueryError(f"query {name}: the header has no `-- title:` line")
    params = tuple(_parse_param(name, line) for line in fields["param"])
    _check_placeholders(name, params, text)
    columns = tuple(c.strip() for line in fields["columns"] for c in line.split(",") if c.strip())
    return NamedQuery(name, fields["title"][0], " ".join(fields["description"]), params, columns, text)


def _parse_param(query_name: str, line: str) -> QueryParam:
    match = _PARAM.match(line)
    if not match or not match.group(2):
        raise NamedQueryError(f"query {query_name}: bad parameter line {line!r}; expected `name = default (help)`")
    return QueryParam(match.group(1), parse_default(match.group(2)), (match.group(3) or "").strip())


def parse_default(text: str) -> ParamValue:
    """A default's type is what it looks like: 7 is int, 0.5 float, 2026-01-31 date, 'x' or x str."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if _DATE.match(text):
        return date.fromisoformat(text)
    return text


def _check_placeholders(query_name: str, params: Sequence[QueryParam], text: str) -> None:
    # DuckDB refuses a value for a placeholder the SQL lacks, and a placeholder with no value.
    body = "\n".join(line.split("--", 1)[0] for line in text.splitlines())
    used = set(_PLACEHOLDER.findall(body))
    declared = {p.name for p in params}
    if used - declared:
        raise NamedQueryError(f"query {query_name}: ${', $'.join(sorted(used - declared))} not declared in the header")
    if declared - used:
        raise NamedQueryError(f"query {query_name}: parameter {', '.join(sorted(declared - used))} is never used")


def bind_params(query: NamedQuery, assignments: Sequence[str]) -> dict[str, ParamValue]:
    """The defaults, overridden by `key=value` assignments converted to each default's type."""
    return bind(query, assignments).values


@dataclass(frozen=True)
class BoundParams:
    values: dict[str, ParamValue]
    said: tuple[str, ...]
    """A line for each relative day given (`--param since=7d is 2026-11-30 in UTC`), for stderr."""


def bind(query: NamedQuery, assignments: Sequence[str], now: datetime | None = None) -> BoundParams:
    """`bind_params`, with a relative day (`since=7d`) made the date it names in the query's `tz` parameter (given or
    its default; UTC for a query without one), today being today there at `now` (the clock unless given)."""
    values: dict[str, ParamValue | DaysAgo] = {p.name: p.default for p in query.params}
    given: dict[str, str] = {}
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        if not sep:
            raise NamedQueryError(f"--param {assignment!r} must look like key=value")
        param = query.param(key.strip())
        if param.name in given:  # the last one silently won before "Analyst 49": half an analyst's filter dropped
            several = f", several as one comma-separated: {param.name}={given[param.name]},{text.strip()}" \
                if "comma-separated" in param.help else ""  # search_attention's site ("Analyst 50")
            raise NamedQueryError(f"--param {param.name} is given twice ({given[param.name]!r}, then {text.strip()!r}):"
                                  f" query {query.name} takes one value for it; give it once{several}")
        given[param.name] = text.strip()
        values[param.name] = param.convert(text.strip())
    return _days_made_dates(values, now)


def _days_made_dates(values: dict[str, ParamValue | DaysAgo], now: datetime | None) -> BoundParams:
    relative = {name: value for name, value in values.items() if isinstance(value, DaysAgo)}
    typed_zone = str(values.get("tz", "UTC"))
    zone = (time_zone(typed_zone) or typed_zone) if relative else typed_zone  # DuckDB's spelling: any case
    today = today_in(zone, now) if relative else date.min
    if today is None:
        name, value = next(iter(relative.items()))
        raise NamedQueryError(f"--param {name}={value.typed} is a day in tz {zone!r}, which Python's time zone "
                              "database lacks; give a tz such as America/New_York, or a date like 2026-11-24")
    bound = {name: today - timedelta(days=value.days) if isinstance(value, DaysAgo) else value
             for name, value in values.items()}
    said = tuple(f"--param {name}={value.typed} is {bound[name]} in {zone}" for name, value in relative.items())
    return BoundParams(bound, said)


def describe_params(query: NamedQuery) -> str:
    """`days=7 (int), limit=20 (int)`, for `newsflow query --list`."""
    return ", ".join(f"{p.name}={p.default} ({p.type_name})" for p in query.params) or "-"
