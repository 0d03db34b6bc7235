"""The fetcher's rules for answers and redirects: pure decisions, no I/O and no httpx.

`fetch.Fetcher` asks these what a status means (`status_outcome`), where a redirect goes and
whether to follow it (`redirect_target`, `refuse_redirect`), whether a rate-limited request is
worth its one retry (`worth_retrying`), whether untyped bytes are HTML (`check_sniffed`) and typed ones not
binary (`check_not_binary`), and what a refused TLS certificate means to the user (`certificate_problem`).
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from urllib.parse import urljoin, urlsplit

from newsflow import charset, netguard
from newsflow.binaryhead import binary_kind
from newsflow.fetchrecord import Trail
from newsflow.models import FetchKind, FetchResult, Outcome
from newsflow.pacing import UNREADABLE_RETRY_AFTER, HostGate, parse_retry_after
from newsflow.urls import fetch_problem, loop_key

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RATE_LIMIT_STATUSES = frozenset({429, 503})
# Answers that carry a part of the document or a delta against a copy: only to a request with `Range`
# or `A-IM`, which newsflow never sends (RFC 9110 15.3.7, RFC 3229 10.4.1).
PARTIAL_STATUSES = {206: "Partial Content", 226: "IM Used"}
# Answers that carry no document by definition (RFC 9110 15.3.5, 15.3.6): nothing to read, and nothing to
# sniff either (red team 23: a 204 to an article was `not_html`, parked at once for good, its error
# "the first bytes are not HTML (b'')")
NO_CONTENT_STATUSES = {204: "No Content", 205: "Reset Content"}


_MIME_ESSENCE = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+")


def response_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """A response's headers by lower-case name (a repeated header's values joined by commas, as httpx joins
    them), its Content-Type reduced to the one a browser uses (`effective_content_type`)."""
    headers = {name.lower(): value for name, value in items}
    if "content-type" in headers:
        headers["content-type"] = effective_content_type(headers["content-type"])
    return headers


def _split_outside_quotes(value: str) -> list[str]:
    """`value` split at each comma followed by an even number of quotes. In one pass: a look-ahead regex
    counting them rescanned the rest of the value at each comma, O(n^2), 20 s of the event loop for a 100 KB
    header of commas (review of red team 23)."""
    parts, start, after = [], 0, value.count('"')
    for found in re.finditer(r'[",]', value):
        if found[0] == '"':
            after -= 1
        elif after % 2 == 0:
            parts.append(value[start:found.start()])
            start = found.end()
    return [*parts, value[start:]]


def effective_content_type(value: str) -> str:
    """The type that several Content-Type values (two headers, or a list in one) mean, as the Fetch standard's
    "extract a MIME type" reads them: the last valid type, keeping a charset an earlier value of the same
    type gave. Before (red team 23), `text/html` beside `application/octet-stream` (a PHP `header()` over
    the server's own, a proxy adding one) was read as one type, `text/html, application/octet-stream`,
    which is no HTML: `not_html`, parked at once, for good."""
    if "," not in value:
        return value
    chosen, essence, label = value, "", None
    for part in _split_outside_quotes(value):
        this = charset.media_type(part)
        if not _MIME_ESSENCE.fullmatch(this) or this == "*/*":
            continue
        part_label = charset.header_charset(part)
        label = part_label if this != essence or part_label else label
        chosen, essence = part.strip() if part_label or label is None else f"{this}; charset={label}", this
    return chosen


class NotHtml(Exception):
    """The sniffed bytes are not HTML; stop reading."""


def known_failure(exc: Exception, max_bytes: int) -> tuple[Outcome, str] | None:
    """The outcome of a refusal by the address guard, a name that does not resolve, or a body refused
    as it was read; None for any other exception."""
    if isinstance(exc, netguard.BlockedAddressError):
        return Outcome.BLOCKED, str(exc)
    if isinstance(exc, netguard.NameResolutionError):
        return Outcome.DNS_ERROR, str(exc)
    if isinstance(exc, netguard.AnswerTooLarge):  # a body's chunk framing: red team 44
        return Outcome.TOO_LARGE, str(exc)
    if isinstance(exc, netguard.EndlessInterimAnswers):  # no answer at all: the server's doing, tried again later
        return Outcome.PROTOCOL_ERROR, str(exc)
    if isinstance(exc, charset.BodyTooLarge) and str(exc):  # a packed stream that unpacks to next to nothing
        return Outcome.TOO_LARGE, (f"{exc}: the packed body passed the cap of {max_bytes} bytes (fetch.max_bytes, "
                                   "and an eighth for packing); stopped reading")
    if isinstance(exc, charset.BodyTooLarge):
        return Outcome.TOO_LARGE, (f"body passed the cap of {max_bytes} bytes (fetch.max_bytes); stopped reading: "
                                   "to read it, raise fetch.max_bytes in the config")
    if isinstance(exc, charset.UndecodableBody):
        return Outcome.PARSE_ERROR, str(exc)
    if isinstance(exc, NotHtml):
        return Outcome.NOT_HTML, str(exc)
    return None


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def worth_retrying(result: FetchResult | str, trail: Trail, max_retry_after: float) -> bool:
    """A 429 or 503 whose pause (its Retry-After, or UNREADABLE_RETRY_AFTER) is within `max_retry_after`, on the
    attempt's first send."""
    # robots.txt is not waited for: its pause is the host's, so the article behind it waits for
    # it in the gate (outside its deadline) or is rate_limited, never timed out by robots.txt.
    if isinstance(result, str) or trail.retried or trail.kind is FetchKind.ROBOTS:
        return False
    wait = result.retry_after
    return (
        result.outcome is Outcome.RATE_LIMITED
        and result.status_code is not None
        and wait is not None
        and wait <= max_retry_after
    )


def refuse_redirect(
    current: str, target: str, seen: set[str], followed: int, max_redirects: int
) -> tuple[Outcome, str] | None:
    """Why the redirect from `current` to `target` is not followed, or None to follow it."""
    problem = fetch_problem(target)
    if problem is not None:
        return Outcome.INVALID_URL, f"redirect to {target[:200]}: {problem}; not followed"
    if loop_key(target) in seen:  # (with the cookies it was seen with: a cookie wall's redirect to itself is none)
        itself = loop_key(target) == loop_key(current)
        return Outcome.REDIRECT_LOOP, (f"redirect to the page itself ({target}); not followed" if itself
                                       else f"redirect loop back to {target}")
    if followed >= max_redirects:
        return Outcome.TOO_MANY_REDIRECTS, f"redirect to {target} would be more than {max_redirects} (max_redirects)"
    return None


Hop = Callable[[str, Trail, dict[str, str], int], Awaitable[FetchResult | str]]
"""One request (`fetch.Fetcher._hop`): a final FetchResult, or the URL a redirect points to."""


async def follow_redirects(
    url: str, trail: Trail, headers: dict[str, str], max_bytes: int, send: Hop, max_redirects: int,
) -> FetchResult:
    """One attempt: GET `url` by `send`, following up to `max_redirects` redirects by hand."""
    current, visits = url, {(loop_key(url), trail.cookies.state_of(host_of(url)))}
    for followed in range(max_redirects + 1):
        hop = await send(current, trail, trail.cookies.headers_for(host_of(current), headers), max_bytes)
        if isinstance(hop, FetchResult):
            return hop
        state = trail.cookies.state_of(host_of(hop))  # a URL seen before, with new cookies, is no loop
        seen = {seen_url for seen_url, seen_state in visits if seen_state == state}
        refusal = refuse_redirect(current, hop, seen, followed, max_redirects)
        if refusal is not None:
            outcome, what = refusal
            return trail.result(outcome, current, error=f"GET {current}: {what}")
        if trail.stop_at is not None and trail.stop_at(hop):
            status = trail.redirects[-1][0]
            return trail.result(Outcome.NOT_MODIFIED, current, status_code=status,
                                error=f"GET {current}: redirect to {hop}, another configured feed; not followed")
        visits.add((loop_key(hop), state))
        # a Host given (the catch-all probe's) names the first URL's server only, never a redirect's
        current, headers = hop, {name: value for name, value in headers.items() if name != "Host"}
    raise AssertionError("unreachable: the last pass always refuses or returns")


def location_text(raw: bytes) -> str:
    """A Location header's bytes as the text of a URL: UTF-8 read as UTF-8, any other byte percent-encoded.

    httpx decodes a response's whole header block with one charset, Latin-1 as soon as any value is not
    UTF-8: a Latin-1 `Location: /caf\\xe9` was then requested as UTF-8 (`/caf%C3%A9`, another path), and a
    UTF-8 `Location` beside a Latin-1 `Server` header came out as mojibake. Browsers and curl send the
    server's bytes back as it wrote them: `%E9`, the path its Latin-1 file system knows."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(byte) if byte < 0x80 else f"%{byte:02X}" for byte in raw)


def with_slashes(location: str) -> str:
    """The URL with each backslash before its query or fragment read as a slash, as the WHATWG URL parser
    (every browser) reads an http(s) URL: `\\\\host/page` and `/\\host/page` name another host,
    `http:\\\\host\\page` is `http://host/page`. Before (red team 23), they were joined as a path on the
    redirecting host, a 404: the article counted and parked. The hop is checked like any other (address
    guard, robots.txt, scheme), so reading it as browsers do opens nothing a plain Location could not."""
    ends = [index for index in (location.find("?"), location.find("#")) if index >= 0]
    cut = min(ends, default=len(location))
    return location[:cut].replace("\\", "/") + location[cut:]


def redirect_target(url: str, trail: Trail, status: int, headers: Mapping[str, str]) -> FetchResult | str:
    """The absolute URL a redirect's Location names, or INVALID_URL when it names none."""
    location = with_slashes(headers["location"].strip())
    if not location:  # browsers read it as the page itself, and loop: said as what it is (red team 44)
        error = f"GET {url}: HTTP {status} with an empty Location, which names the page itself; not followed"
        return trail.result(Outcome.REDIRECT_LOOP, url, error=error, status_code=status, headers=headers)
    try:
        target = urljoin(url, location)
    except ValueError as exc:  # e.g. "http://[": urljoin parses the netloc
        error = f"GET {url}: redirect to {location[:200]!r}: not a valid URL ({exc}); not followed"
        return trail.result(Outcome.INVALID_URL, url, error=error, status_code=status, headers=headers)
    trail.redirects.append((status, target))
    return target


def status_outcome(
    url: str, trail: Trail, status: int, headers: Mapping[str, str], conditional: bool, gate: HostGate
) -> FetchResult | None:
    """The result for any status that does not mean "read the body", else None.

    A 429, or a 503 with a Retry-After, pauses the host in `gate` (`_asked_to_wait`). A 304 counts only as the answer
    to a conditional request.
    """
    if status == 429 or (status in RATE_LIMIT_STATUSES and "retry-after" in headers):
        return _asked_to_wait(url, trail, status, headers, gate)
    if status == 304 and not conditional:  # "not modified" since nothing: the server's bug, not a feed
        error = f"GET {url}: HTTP 304 Not Modified to a request that sent no ETag or date; nothing to reuse"
        return trail.result(Outcome.HTTP_ERROR, url, error=error, status_code=status, headers=headers)
    if status == 304:
        return trail.result(Outcome.NOT_MODIFIED, url, status_code=status, headers=headers)
    if status in PARTIAL_STATUSES:  # a cache that kept a partial object serves it to every client
        error = (f"GET {url}: HTTP {status} ({PARTIAL_STATUSES[status]}) to a request that asked for the whole "
                 "document: a part of it, not stored; tried again later")
        return trail.result(Outcome.HTTP_ERROR, url, error=error, status_code=status, headers=headers)
    if status in NO_CONTENT_STATUSES:
        error = (f"GET {url}: HTTP {status} ({NO_CONTENT_STATUSES[status]}): the server sent no "
                 f"{'feed' if trail.kind is FetchKind.FEED else 'page'}; tried again later")
        return trail.result(Outcome.HTTP_ERROR, url, error=error, status_code=status, headers=headers)
    if not 200 <= status < 300:
        return trail.result(
            Outcome.HTTP_ERROR, url, error=f"GET {url}: HTTP {status}", status_code=status, headers=headers
        )
    media = charset.media_type(headers.get("content-type"))
    if trail.kind is FetchKind.ARTICLE and media not in charset.HTML_TYPES + charset.UNKNOWN_TYPES:
        error = f"GET {url}: Content-Type {media} is not HTML; body not read"
        return trail.result(Outcome.NOT_HTML, url, error=error, status_code=status, headers=headers)
    return None


def _asked_to_wait(url: str, trail: Trail, status: int, headers: Mapping[str, str], gate: HostGate) -> FetchResult:
    """A 429, or a 503 with a Retry-After, pauses its host for its Retry-After, or `UNREADABLE_RETRY_AFTER` when
    it gives none we can read (red teams 52, 53): `rate_limited`, uncounted. A 503 with no Retry-After is not
    here: it is a counted `http_error`, its host not paused (docs/security.md, "Red team 53": often one broken
    page's answer, and a whole site paused for it loses its healthy pages' turn)."""
    asked = headers.get("retry-after")
    wait = None if asked is None else parse_retry_after(asked, server_date=headers.get("date"))
    if wait is not None:
        error = f"GET {url}: HTTP {status} with Retry-After {wait:.0f} s"
    elif asked is not None:  # it asked us to wait, how long we cannot tell: a default pause (red team 52)
        wait = UNREADABLE_RETRY_AFTER
        error = (f"GET {url}: HTTP {status} with a Retry-After we cannot read ({asked[:60]!r}); its host "
                 f"paused {wait:.0f} s")
    else:  # a 429 saying "too many requests", for how long unsaid: the same default pause (red team 53)
        wait = UNREADABLE_RETRY_AFTER
        error = f"GET {url}: HTTP {status} with no Retry-After; its host paused {wait:.0f} s"
    gate.pause(host_of(url), wait, status, url)
    return trail.result(Outcome.RATE_LIMITED, url, error=error, retry_after=wait, status_code=status, headers=headers)


def needs_sniffing(content_type: str | None) -> bool:
    return charset.media_type(content_type) in charset.UNKNOWN_TYPES


def check_sniffed(prefix: bytes) -> None:
    """Raise NotHtml when the first bytes of an untyped body are not HTML. An empty body (or white space
    alone) is not "not HTML": it is judged as an empty page of any type is, an attempt and no more (red team
    23: an untyped empty 200, a CMS mid-deploy, was `not_html`, parked at once for good)."""
    if prefix.strip() and not charset.sniff_is_html(prefix):
        raise NotHtml(f"no Content-Type and the first bytes are not HTML ({prefix[:8]!r}); stopped reading")


def check_not_binary(prefix: bytes) -> None:
    """Raise NotHtml when the first bytes of a body declared HTML are a binary file's (`binaryhead`, red team
    26): an image, an archive or a PDF labelled `text/html` was decoded and extracted, `extract_empty`."""
    kind = binary_kind(prefix)
    if kind is not None:
        raise NotHtml(f"declared HTML, but the body is {kind} ({prefix[:8]!r}); stopped reading")


TLS_REFUSED = "TLS handshake failed"  # how a handshake the server ended (an alert) is told, in `error`


def certificate_problem(exc: BaseException) -> str | None:
    """What a refused TLS certificate or a failed handshake says, with what to do, when `exc` (or what
    it wraps) is one; else None.

    A certificate check is not a network failure: the connection was made, and the answer is the
    same on every retry until the site (or this machine's clock) is fixed."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            reason = (current.verify_message or current.reason or "not trusted").rstrip(".")
            return (f"TLS certificate refused ({reason}); newsflow verifies every certificate: the site must "
                    "fix it (or use its http:// URL); if every https feed fails so, check this machine's clock")
        if isinstance(current, ssl.SSLError):
            reason = str(current.reason or current).lower().replace("_", " ")
            return (f"{TLS_REFUSED} ({reason}): the server does not speak TLS on this port (a plain "
                    "http:// server?) or refuses every TLS version newsflow offers; use its http:// URL if it has one")
        current = current.__cause__ or current.__context__
    return None


# A page that sends the reader on at once with `<meta http-equiv="refresh" content="0; url=…">` is an
# interstitial (a feed's click tracker, a "redirecting…" page), not the article: extracted, it was an
# `extract_empty`, parked at once, the article lost (red team 13). Longer delays are pages that
# reload themselves (a live blog's `content="300"`), read as they are.
MAX_REFRESH_DELAY_S = 5.0
REFRESH_SCAN_CHARS = 16_384  # the head of a page, where a <meta> belongs
_META_TAG = re.compile(r"<meta\b[^>]*(?:>|\Z)", re.IGNORECASE)  # left open: to the end, once (see _DELAY_AND_URL)
# A browser running scripts never sees these: CNN's `<!--[if lte IE 9]><meta http-equiv="refresh" …>`
# sends old browsers to an "unsupported" page, and a `<noscript>` one sends readers without scripts.
_UNSEEN = re.compile(r"<!--.*?(?:-->|$)|<noscript\b.*?(?:</noscript\s*>|$)", re.IGNORECASE | re.DOTALL)
_HTTP_EQUIV_REFRESH = re.compile(r"""http-equiv\s*=\s*["']?\s*refresh\b""", re.IGNORECASE)
_CONTENT = re.compile(r"""\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
# Possessive (`*+`): with plain `*` the spaces between the delay and the URL were shared out every way
# among three runs that may take them: O(n^3), 113 s of the event loop for 500 spaces and no end for a
# page's worth (red team 24). Possessive, each run takes what it can once; the URL is stripped after.
_DELAY_AND_URL = re.compile(r"""\s*+([0-9]++(?:\.[0-9]*+)?)\s*+[;,]?\s*+(?:url\s*+=\s*+)?["']?([^"']*+)["']?\s*+$""",
                            re.IGNORECASE)


def refresh_target(url: str, headers: Sequence[str], html: bytes) -> str | None:
    """Where a page sends the reader at once: its HTTP `Refresh` header (a click tracker's PHP
    `header("Refresh: 0; url=…")`; the HTML standard reads it as the <meta>, and so do browsers: red
    team 43), else its `<meta http-equiv="refresh">`. The first refresh that names a URL soon decides.
    Of several `Refresh` headers the first (as of several `Location`s): joined by commas they were one
    URL, `/a, 0; url=/b`, a 404 (red team 44); split at commas, a URL with a comma would be cut."""
    named = _refresh_named(headers[0]) if headers else None
    return meta_refresh_target(url, html) if named is None else _followed(url, named)


def meta_refresh_target(url: str, html: bytes) -> str | None:
    """The URL a page's `<meta http-equiv="refresh">` sends the reader to within MAX_REFRESH_DELAY_S,
    resolved against `url`; None when it has none, names none, or names the page itself."""
    head = _UNSEEN.sub("", html[:REFRESH_SCAN_CHARS].decode("utf-8", "replace"))
    for tag in _META_TAG.finditer(head):
        if not tag.group().endswith(">"):  # a tag left open is none; each later `<meta` is inside it
            break
        content = _CONTENT.search(tag.group()) if _HTTP_EQUIV_REFRESH.search(tag.group()) else None
        named = _refresh_named(next(v for v in content.groups() if v is not None)) if content else None
        if named is not None:
            return _followed(url, named)
    return None


def _refresh_named(content: str) -> str | None:
    """The URL a refresh's `content` (`0; url=…`) names, as written, when it names one within
    MAX_REFRESH_DELAY_S; else None."""
    found = _DELAY_AND_URL.match(content)  # linear (possessive); a header is at most MAX_HEADER_CHARS
    if found is None or not found.group(2).strip() or float(found.group(1)) > MAX_REFRESH_DELAY_S:
        return None
    return found.group(2).strip()


def _followed(url: str, named: str) -> str | None:
    """`named` resolved against `url`, as browsers read it; None when unusable or the page itself."""
    try:
        target = urljoin(url, with_slashes(named))
    except ValueError:
        return None
    return None if without_fragment(target) == without_fragment(url) else target
