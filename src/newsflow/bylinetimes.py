"""The `<time datetime>` elements of a page's byline, and which of them date an update.

`newsflow.headline_date` finds the texts after the headline (its byline); this module reads the
machine-readable dates among them: the `datetime` of each `<time>` (or AMP `<amp-timeago>`) element
a text is inside, and whether it dates an update: an update cue in its text or just before it, or
(eleventh pass) a class naming an update (WordPress themes' `<time class="updated">` before or after
`<time class="entry-date published">`) when another `<time>` there has a class naming the
publication. hAtom's "updated" alone often marks the only, published, date: a theme's single
`<time class="updated">`. Split from `headline_date` (review of the eleventh pass: module size).
Pure: an lxml tree walked by its methods only.
"""

from __future__ import annotations

import re
from typing import Any

TIME_TAGS = ("time", "amp-timeago")
"""Elements whose `datetime` is their text's date: AMP pages print a relative "3 hours ago" in an
`<amp-timeago datetime="…">`."""
_UPDATE_CLASS = re.compile(r"(?:^|[\s_-])(?:updated|modified|last-?updated)(?:$|[\s_-])", re.IGNORECASE)
_PUBLISHED_CLASS = re.compile(r"published|entry-date", re.IGNORECASE)


def byline_times(headline: Any, texts: list[Any], update_cue: re.Pattern[str]) -> list[tuple[str, bool]]:
    """Each `<time datetime>` among the byline `texts` after the `headline`, and whether it dates
    an update: `update_cue` in its text or the text before it, or its class (module docstring)."""
    found, previous = [], ""
    for text in texts:
        element = time_element(text, headline)
        if element is not None and str(element.get("datetime") or "").strip():
            found.append((element, bool(update_cue.search(f"{previous} {text}"))))
        previous = str(text)
    classes = [str(element.get("class") or "") for element, _ in found]
    marked = any(_PUBLISHED_CLASS.search(names) for names in classes)
    # stripped: templates pad the value (" 2026-04-22 07:07:05 "), and callers read its first ten characters as the
    # day (twenty-fourth pass: " 2026-04-2" was read as 2 April, an update before the story it updates)
    return [(str(element.get("datetime")).strip(), cued or (marked and _an_update_class(names)))
            for (element, cued), names in zip(found, classes, strict=True)]


def marked_published(headline: Any, texts: list[Any]) -> list[str]:
    """The `datetime` of each byline `<time>` marked as the publication: a class naming it (WordPress's
    `time.entry-date.published`) or itemprop `datePublished`, not an event's or a deadline's `<time>`."""
    elements = [element for text in texts if (element := time_element(text, headline)) is not None]
    marked = [element for element in elements if _PUBLISHED_CLASS.search(str(element.get("class") or ""))
              or element.get("itemprop") == "datePublished"]
    return [value for element in marked if (value := str(element.get("datetime") or "").strip())]


def _an_update_class(names: str) -> bool:
    return bool(_UPDATE_CLASS.search(names)) and not _PUBLISHED_CLASS.search(names)


def byline_titles(texts: list[Any]) -> list[str]:
    """The `title` of each element a byline text is the text of (not the tail of): forums and CMSs
    print a relative "3 天前", "a month ago" and keep the date in it, `<span title="2026-3-12 09:15">`
    (Discuz), `<time class="ago" title="9 November 2025, 20:15">` (seventeenth pass)."""
    return [str(text.getparent().get("title")) for text in texts
            if not text.is_tail and text.getparent().get("title")]


def time_element(text: Any, headline: Any) -> Any:
    """The `<time>` (or `<amp-timeago>`) element a text node is inside (not the tail of), if any."""
    element = None if text.is_tail else text.getparent()
    while element is not None and element.tag not in TIME_TAGS and element is not headline:
        element = element.getparent()
    return element if element is not None and element.tag in TIME_TAGS else None
