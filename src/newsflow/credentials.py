"""Credentials in URLs (`https://user:password@host/...`) are never stored, shown or logged.

newsflow never sends them: requests are built without httpx's client, which is what would turn a
URL's `user:password@` into an `Authorization` header. So the part is dead weight that only leaks:
it would land in `articles.url`, `entries.url`, `fetch_events` and every table or export an
analyst reads, and in log lines (Prefect keeps those for 30 days). The config keeps the feed's
URL as written (it is the user's own file); `run`, `serve` and `feeds` warn that the part is
never sent (`configfeeds`), and everything newsflow writes or logs drops it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# scheme://userinfo@ : userinfo has no `/`, `?`, `#` or space, and may itself hold a raw `@` (the
# last one before the host ends it: `user:p@ss@host`). For lines of text that name URLs anywhere.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]*@")
# The same, only for the URL's own authority: the part urlsplit calls netloc (up to the first `/`,
# `?` or `#`). A URL in a URL's query (`/go?u=http://joe@x.com`) is data the server reads: dropping
# its `joe@` would fetch another page. Migration 0063 uses this pattern on stored URLs.
_OWN_USERINFO = re.compile(r"(?i)\A([a-z][a-z0-9+.-]*://)[^/?#]*@")


def without_credentials(text: str) -> str:
    """`text` (a line naming URLs: an error, a log line) with every URL's `user:password@` dropped."""
    return _USERINFO.sub(r"\1", text) if "@" in text else text


def url_without_credentials(url: str) -> str:
    """`url` without its own `user:password@`; the rest, query and fragment included, as it was."""
    return _OWN_USERINFO.sub(r"\1", url, count=1) if "@" in url else url


def has_credentials(url: str) -> bool:
    return url_without_credentials(url) != url


def optional_without_credentials(text: str | None) -> str | None:
    return None if text is None else without_credentials(text)


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    if record.args is None and "@" not in str(record.msg):
        return record
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit the message: logging reports it when it is emitted
        return record
    if "@" in message:
        record.msg, record.args = without_credentials(message), None
    return record


def redact_credentials_in_logs() -> None:
    """Every log record this process makes from now on has its URLs' credentials dropped.

    A record factory rather than a handler's filter: Prefect's runner replaces the handlers as it
    starts, and its API log handler, the run's progress lines and the terminal all read one record."""
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "redacts_credentials", False):
        return

    def redacting_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return _redacted(make_record(*args, **kwargs))

    redacting_record.redacts_credentials = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacting_record)
