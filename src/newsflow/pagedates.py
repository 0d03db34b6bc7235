"""Dates elsewhere in a page: in photo captions (never the story's), and in the state a script front end carries (often
the only place a Next.js or Nuxt page dates its story).

htmldate's extensive search takes the first date-like text it trusts; on a page that dates its story nowhere in the
markup, that can be a photo caption's ("Archivbild vom 24. April 2023"), a related story's (`other_stories_only`) or
the copyright notice's year (`copyright_notice_year`). `caption_days` gives the days the page's captions name, so
such an answer can be recognised. `payload_published` reads a publication time from inline scripts (not JSON-LD): the
first `"datePublished"`, `"publishedAt"`, `"publishDate"`, `"firstPublished"` … key with an ISO 8601 value (or a Unix
timestamp, eighth pass), the way front ends serialise their article object. `attribute_published` reads a Unix
timestamp that markup carries in a data attribute named for the publication (`data-publish-time="1710496800"`,
`data-pubdate`, `data-created`, `data-utime`, milliseconds too), or in one with a generic name (`data-timestamp`,
`data-time` …) between the headline and the story (twenty-first pass). `told_in_prose_only` finds a day named only in
the story's sentences: an event's (twenty-first pass). `first_live_post` dates a live blog by its first post, not its
newest (ninth pass). `image_text_days` gives the days images name in their alt text, which htmldate may read (tenth
pass); `image_path_days` the days their URLs name (fourteenth pass).

Pure: an lxml tree walked by its methods, and the standard library.
"""

from __future__ import annotations

import re
from copy import deepcopy
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any

from newsflow.bylinetexts import in_event_box, story_wrapper_depth
from newsflow.datechecks import url_day, url_folder_day
from newsflow.headline_date import caption_date, in_other_block, page_headline
from newsflow.liveposts import PostsKnown, live_post, time_moment
from newsflow.pageblocks import headline_ancestors, in_story, is_prose, page_titles
from newsflow.timestamps import unix_time
from newsflow.worlddates import slash_order

MAX_SCRIPT_CHARS = 2_000_000
"""Inline script text read per page for a payload date: state blobs are large, but not larger."""
_CAPTIONS = ".//figcaption | .//*[(@class or @id) and re:test(concat(@class, ' ', @id), " \
            "'caption|credit|bildunterschrift|legende|legend|pie-?foto|didascalia', 'i')]"
"""`(@class or @id) and`: the regex, a call back into Python, only on elements that have a name to test (perf49); on
the others its text is " ", which it cannot match: the same elements."""
_REGEX_NAMESPACE = {"re": "http://exslt.org/regular-expressions"}
_PAYLOAD_KEY = re.compile(
    r"""["']?(?:date_?published|published_?(?:at|date|time|on)|publish_?(?:date|time|at)|"""
    r"""first_?published(?:_?(?:at|date|time))?|pub_?date|display_?date)["']?\s*:\s*["']"""
    r"""((?:19|20)\d{2}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)["']"""
    r"""|["']?(?:date_?published|published_?(?:at|date|time)|publish_?(?:date|time)|first_?published(?:_?at)?)"""
    r"""["']?\s*:\s*["']?(1[0-9]{9}(?:[0-9]{3})?)(?![0-9])""",  # a Unix timestamp, s or ms (eighth pass)
    re.IGNORECASE,
)


def caption_days(tree: Any) -> set[date]:
    """The days that the page's photo captions name (`<figcaption>`, caption and credit classes)."""
    days = set()
    for element in tree.xpath(_CAPTIONS, namespaces=_REGEX_NAMESPACE):
        text = " ".join("".join(element.itertext()).split())[:300]
        if (day := caption_date(text)) is not None:
            days.add(day)
    return days


def image_text_days(tree: Any) -> set[date]:
    """The days that the page's images name in their `alt` or `title` text (tenth pass): the day a
    photo was taken ("Protest on 12 January 2026"), which htmldate's search reads on a page that
    dates its story nowhere, and a reader never sees as the story's date. Not a day the page's title names
    (twenty-fifth pass: "23.01.2022 - Wierer jubelt", a title CMSs copy into the photos' alt text)."""
    days: set[date] = set()
    repeats: set[date] = set()
    for image in tree.iter("img"):
        for text in (image.get("alt"), image.get("title")):
            if text and (day := caption_date(" ".join(text.split())[:300])) is not None:
                (repeats if _repeats_a_title(" ".join(text.split()), tree) else days).add(day)
    return days | (repeats - _title_days(tree)) if repeats else days


def _repeats_a_title(text: str, tree: Any) -> bool:
    """Whether an image's text repeats the page's title (or the title holds it whole): the CMS's copy, not a photo's
    own caption (review: a title naming an event's day, "Rückblick: das Hochwasser vom 3. März 2026", and a photo's
    "Die Altstadt unter Wasser am 3. März 2026" date the photo)."""
    folded = text.casefold()
    titles = (" ".join(title.split()).casefold() for title in page_titles(tree))
    return any(folded in title or title in folded for title in titles)


def _title_days(tree: Any) -> set[date]:
    return {day for title in page_titles(tree) if (day := caption_date(" ".join(title.split())[:300])) is not None}


_IMAGE_URLS = ("//head/meta[@property='og:image' or @name='twitter:image' or @property='twitter:image']/@content"
               " | //head/link[@rel='image_src']/@href | //img/@src")


def image_path_days(tree: Any) -> set[date]:
    """The days the page's image URLs name in their path (`/uploads/2026/03/01/photo.jpg`, fourteenth
    pass): the day a photo was uploaded, which htmldate's search reads on a page that dates its
    story nowhere; often the story's, sometimes an archive photo's."""
    return {day for value in islice(tree.xpath(_IMAGE_URLS), 200) if (day := url_day(str(value))) is not None}


_CONTENT_OF_DAY = ("//*[starts-with(normalize-space(@content), $iso) or "
                   "starts-with(normalize-space(@content), $compact)]")
_MONTH_PATH = re.compile(r"/((?:19|20)\d{2})/(0[1-9]|1[0-2])/(?!\d{1,2}/)")


def image_month_first(tree: Any, day: date) -> bool:
    """Whether `day` is the first of a month that only image URLs name, without a day
    (`/wp-content/uploads/2026/03/photo.jpg`: WordPress files uploads by month), and no short text of
    the page names it: htmldate reads such a path as the month's first day (sixteenth pass)."""
    if day.day != 1 or day in image_path_days(tree):
        return False
    months = {(int(match[1]), int(match[2])) for value in islice(tree.xpath(_IMAGE_URLS), 200)
              for match in _MONTH_PATH.finditer(str(value))}
    if (day.year, day.month) not in months or tree.xpath(_CONTENT_OF_DAY, iso=day.isoformat(), compact=f"{day:%Y%m%d}"):
        return False  # a meta htmldate reads states the day ("DC.date.issued", "dc.date": review of the 16th pass)
    texts = tree.xpath(_TEXTS_OF_YEAR, year=str(day.year))
    return all(caption_date(" ".join(str(text).split())) != day for text in texts)


def page_url_day(url: str | None, tree: Any) -> date | None:
    """The day the page's URL names: a year first (`datechecks.url_day`), else a day-month-year folder in the
    page's order (`datechecks.url_folder_day`, twenty-second pass)."""
    return url_day(url) or url_folder_day(url, lambda: slash_order(tree, url))


def without_image_urls(tree: Any) -> Any:
    """A copy of the page without the image URLs `image_path_days` reads (and an image's other
    sources): dated again, it shows whether any other part of the page states the photo's day."""
    bare = deepcopy(tree)
    for value in bare.xpath(_IMAGE_URLS):
        value.getparent().attrib.pop(value.attrname, None)
    for image in bare.iter("img"):
        for name in ("srcset", "data-src", "data-srcset"):
            image.attrib.pop(name, None)
    return bare


_TIMESTAMP_ATTRIBUTES = (
    "//@*[starts-with(name(), 'data-')][string-length(normalize-space()) = 10 or string-length(normalize-space()) = 13]"
)
_PUBLISHED_ATTRIBUTE = re.compile(
    r"^data-(?:[a-z]+-)?(?:publish|pub-?(?:date|time)|pubtime|created|utime|first-?publish|posted)", re.IGNORECASE
)


def attribute_published(tree: Any) -> datetime | None:
    """The first Unix timestamp (seconds or milliseconds) in a data attribute named for the
    publication, as a UTC datetime; else one with a generic name in the byline (`byline_stamp`)."""
    for value in tree.xpath(_TIMESTAMP_ATTRIBUTES):
        text = str(value).strip()
        if _PUBLISHED_ATTRIBUTE.match(str(value.attrname)) and (moment := unix_time(text)) is not None:
            return moment
    return byline_stamp(tree)


_GENERIC_STAMP = re.compile(r"^data-(?:timestamp|time|date|epoch|unix|ts)$", re.IGNORECASE)
BYLINE_REACH = 40
"""Elements after the headline searched for a generic-named timestamp: a byline block's, not the page's."""
MIN_PARAGRAPH_CHARS = 80
"""A `<p>` this long after the headline is the story's first paragraph: the byline is above it."""


def byline_stamp(tree: Any) -> datetime | None:
    """A Unix time (seconds or milliseconds) in a `data-` attribute with a generic name (`data-timestamp`,
    `data-time`, `data-date`, `data-epoch`, `data-unix`, `data-ts`) on an element between the headline and the
    story's first paragraph, not in a block of other stories (twenty-first pass): a front end's byline that
    prints the reader's "3 hours ago" or a weekday from it, or nothing until its script runs. Such names
    also stamp comments and related lists, so only the byline's place counts; the earliest there, as a byline
    that stamps "Updated" too stamps the publication no later."""
    headline = page_headline(tree)
    moments = []
    for element in islice(_elements_after(headline), BYLINE_REACH) if headline is not None else ():
        if not isinstance(element.tag, str):  # a comment or processing instruction
            continue
        if element.tag == "p" and len("".join(element.itertext()).strip()) >= MIN_PARAGRAPH_CHARS:
            break
        moments += [moment for name, value in element.attrib.items()
                    if _GENERIC_STAMP.match(str(name)) and (moment := unix_time(str(value).strip())) is not None
                    and not in_other_block(tree, element)]
    return min(moments, default=None)


def _elements_after(element: Any) -> Any:
    """The elements after `element` in document order (its descendants first), each once."""
    yield from islice(element.iter(), 1, None)
    node = element
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()


def payload_published(tree: Any) -> str | None:
    """The first publication time an inline script's state gives, as written (ISO 8601)."""
    budget = MAX_SCRIPT_CHARS
    for script in tree.iterfind(".//script"):
        kind = (script.get("type") or "").strip().lower()
        if kind == "application/ld+json" or not script.text or budget <= 0:
            continue
        text = script.text[:budget]
        budget -= len(text)
        if (match := _PAYLOAD_KEY.search(text.replace('\\"', '"'))) is not None:
            return match[1] or match[2]
    return None


def other_stories_only(tree: Any, day: str, site_bars: bool = True) -> bool:
    """Whether the elements that give this day ("2026-02-10") are all in blocks of other stories (a
    related list, a sidebar, the footer, the site's bar above the headline: `headline_date.in_other_block`),
    and there is at least one: `<time datetime>` elements, else short texts that name it ("Feb 10, 2026");
    never when one of the page's metas states it."""
    return bool(other_stories_holders(tree, day, site_bars))


def other_stories_holders(tree: Any, day: str, site_bars: bool = True) -> list[Any]:
    """The elements `other_stories_only` finds giving the day, when all are in other blocks; else none."""
    if meta_states(tree, day):
        return []  # a meta of the page states it
    holders = day_holders(tree, day)
    if not holders:
        return _linked_only(tree, day)
    return holders if all(in_other_block(tree, element, site_bars) for element in holders) else []


_LINKED_DAY = "//body//a[contains(@href, $path)]"
_STATED_ELSEWHERE = "boolean(//@*[contains(., $day)][name() != 'href'] | //script[contains(., $day)])"
# the page's own address (canonical, og:url) or a link to the day's archive ("/2026/11/20/") names it: its own
_OWN_DAY = ("boolean(//link[@rel='canonical' or @rel='amphtml'][contains(@href, $path)]"
            " | //meta[@property='og:url' or @name='twitter:url'][contains(@content, $path)]"
            " | //body//a[contains(@href, $path)][substring-after(@href, $path) = ''])")


def _linked_only(tree: Any, day: str) -> list[Any]:
    """The links whose address names this day ("/2026/11/25/"), when nothing else on the page states it (no text,
    `<time>`, attribute or script): another story's date-stamped URL, which htmldate's extensive search reads (thirty-
    eighth pass: a "Breaking" link above the headline dated a page that states only its age). The page's own URL is
    a source of its own (`dates._source_dates`), read before this."""
    path = f"/{day[:4]}/{day[5:7]}/{day[8:10]}/"
    links = tree.xpath(_LINKED_DAY, path=path)
    if not links or tree.xpath(_OWN_DAY, path=path):
        return []
    return [] if tree.xpath(_STATED_ELSEWHERE, day=day) else links


def meta_states(tree: Any, day: str) -> bool:
    """Whether a `<meta>` of the page gives this day ("2026-02-10"), whatever its name."""
    return any(str(meta.get("content") or "").strip()[:10] == day for meta in tree.iterfind(".//meta"))


def day_holders(tree: Any, day: str) -> list[Any]:
    """The elements that give this day ("2026-02-10"): `<time datetime>` elements, else short texts that name it."""
    holders = [element for element in tree.iter("time") if str(element.get("datetime") or "").strip()[:10] == day]
    if not holders:
        wanted = date.fromisoformat(day)
        texts = [(text.getparent(), " ".join(str(text).split())) for text in tree.xpath(_TEXTS_OF_YEAR, year=day[:4])]
        holders = [parent for parent, line in texts if caption_date(line) == wanted]
        order = slash_order(tree) if not holders and texts else None
        # "09/03/2026" in a Brazilian list is read in the page's order (sixteenth pass)
        holders = holders or [parent for parent, line in texts if order and caption_date(line, order) == wanted]
    return holders


def printed_outside_story(tree: Any, day: str) -> bool:
    """Whether this day is printed on the page (`day_holders`: a `<time datetime>`, a short text) and only
    outside the story: no element inside the `<article>` that holds the headline, out of its blocks of other
    stories and captions, gives it (twentieth pass: a ticker's, a cookie notice's or a widget's day below the
    story); never a day a `<meta>` gives (review: "sailthru.date", "dc.date.issued", a plain "date" are the
    page's own) nor one no element prints (a JSON-LD `dateCreated`, an `itemprop` or `data-` attribute: exact,
    and the page's), nor (twenty-seventh pass) one printed only in an event box (`bylinetexts.in_event_box`).
    On a page without an `<article>` (twenty-second pass), the story is its wrapper
    (`bylinetexts.story_wrapper_depth`: the headline's nearest ancestor holding its last sentence of prose in
    the byline's reach); without a sentence there its bounds are not known, and no day is outside it."""
    headline = page_headline(tree)
    if headline is None or meta_states(tree, day):
        return False
    ancestors, article = headline_ancestors(headline)
    if article >= len(ancestors):  # no `<article>`: the story's wrapper stands for it
        wrapper = story_wrapper_depth(tree)
        article = wrapper if wrapper is not None else article
    holders = day_holders(tree, day) if article < len(ancestors) else []
    # twenty-seventh pass: an event box's day ("Public hearing: 14 November, 19:00") in the story is no print of its own
    return bool(holders) and not any(in_story(element, ancestors, article) and not in_event_box(element, ancestors)
                                     for element in holders)


def not_the_storys_print(tree: Any, day: str) -> bool:
    """Whether this day, on a page that states only its age, is not the story's: printed only outside the
    story (`printed_outside_story`, twentieth pass) or named only in sentences (`told_in_prose_only`), or a month's
    1st the page states nowhere (`month_fallback`)."""
    return printed_outside_story(tree, day) or told_in_prose_only(tree, day) or month_fallback(tree, day)


def month_fallback(tree: Any, day: str) -> bool:
    """Whether this day is a month's 1st that no `<meta>`, attribute, script or short text of the page states:
    htmldate drops a day after today (an event box's "06.12.2026") and answers its month's 1st (review of the
    thirtieth pass: it beat a German page's "vor 2 Tagen"; the twenty-seventh pass's property draw)."""
    if day[8:10] != "01" or meta_states(tree, day) or day_holders(tree, day):
        return False
    return not tree.xpath("boolean(//@*[contains(., $day)] | //script[contains(., $day)])", day=day)


_PARAGRAPHS_OF_YEAR = "//body//p[contains(., $year)][not(ancestor::script)]"
MAX_SENTENCE_CHARS = 2_000
"""A paragraph's text read for the date it names: an event's date comes in its first sentences."""


def told_in_prose_only(tree: Any, day: str) -> bool:
    """Whether this day is named on the page only in sentences (`pageblocks.is_prose`: ten words or more,
    ending as a sentence does), the first date of a `<p>` of the story's ("The council, which first met on 30
    November 2026, …": an event's day, twenty-first pass): no `<meta>` gives it, no `<time datetime>` or
    short text prints it (`day_holders`: a dateline the story prints itself is exact and kept), and a paragraph
    does; a slashed day read in the page's order (`worlddates.slash_order`, thirty-eighth pass: "Le vote du
    05/12/2026 décidera …")."""
    if meta_states(tree, day) or day_holders(tree, day):
        return False
    wanted, order = date.fromisoformat(day), slash_order(tree)
    for paragraph in tree.xpath(_PARAGRAPHS_OF_YEAR, year=day[:4]):
        line = " ".join("".join(paragraph.itertext()).split())[:MAX_SENTENCE_CHARS]
        if is_prose(line) and caption_date(line, order) == wanted:  # 38th pass: "05/12/2026" in the page's order
            return True
    return False


def without_elements(tree: Any, elements: list[Any]) -> Any:
    """A copy of the page without these elements (their tails kept): dated again, it shows what the
    page gives beside them (eighteenth pass: htmldate's second answer, once its first was a site bar's)."""
    paths = {tree.getroottree().getpath(element) for element in elements}
    bare = deepcopy(tree)
    found = [element for path in paths for element in bare.getroottree().xpath(path)]  # all found, then dropped
    for element in found:
        if element.getparent() is not None:
            element.drop_tree()
    return bare


def first_live_post(tree: Any, chosen: datetime, stated: tuple[datetime, ...] = ()) -> datetime:
    """A live blog's publication: its first post's time, when the chosen date is a later post's (ninth pass). A live
    blog prints its posts newest first, each with a `<time datetime>`; htmldate and the byline reader take the
    newest. Posts are elements whose class or id says so ("live-post"), or their shape (`liveposts`), not in another
    story's block; at least two must be dated. A day the page `stated` of its own (its byline's, its URL's:
    `dates._source_dates`) before the first post is the page's (thirty-eighth pass: a byline's "12 March" under
    posts from the 15th)."""
    times: list[datetime] = []
    known: PostsKnown = {}  # each parent's bare posts asked once (`liveposts.bare_live_post`, review)
    for element in tree.iter("time"):  # from the times up: an XPath over every element cost 3 ms a page
        post = live_post(element, known)
        if post is None or (moment := time_moment(element)) is None or in_other_block(tree, post):
            continue
        times.append(moment)
    if len(times) < 2 or chosen.date() not in {moment.date() for moment in times}:
        return chosen
    earlier = [moment for moment in stated if moment.date() < min(times).date()]
    if earlier:
        return earlier[0]
    return min(times) if min(times).date() < chosen.date() else chosen


_TEXTS_OF_YEAR = ("//body//text()[contains(., $year)][string-length() <= 100]"
                  "[not(ancestor::script)][not(ancestor::style)]")


_BARE_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T00:00:00)?$")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\D{0,40}?((?:19|20)\d{2})(?:\s*[-\u2013]\s*((?:19|20)\d{2}))?", re.IGNORECASE
)


def copyright_notice_year(htmldate_value: str | None, tree: Any, stated: set[date]) -> bool:
    """Whether htmldate's answer is the copyright line's year: a bare 1 January that no source
    states (`stated`), of a year the page's copyright notice names ("© 2024" is 2024-01-01,
    htmldate's last resort). It is no date (seventh pass: a year is no day)."""
    value = (htmldate_value or "").strip()
    if not _BARE_DAY.match(value) or value[5:10] != "01-01" or date.fromisoformat(value[:10]) in stated:
        return False
    notices = _COPYRIGHT.findall(" ".join(str(tree.xpath("string(//body)")).split()))
    return value[:4] in {year for notice in notices for year in notice}


def uncued_off_url_day(found: date, printed: tuple[date, bool], url: str | None, tree: Any) -> bool:
    """Whether the day printed under the headline, on a line no publication or author cue introduces and that is no
    dateline (`headline_date.cued_headline_date`), is more than a day off `found`, the URL's day: an event's ("Vote
    scheduled for March 20, 2026" over /2026/03/12/, thirty-first pass; "Vote held on March 5, 2026", review). A day
    off is a story drafted the evening before as often; a cued line's or a dateline's day stays the story's (a URL
    may keep a draft's day; review)."""
    return not printed[1] and abs(printed[0] - found) > timedelta(days=1) and page_url_day(url, tree) == found

