"""A grammar of news pages for the generated test of how the date rules combine (docs/extraction.md,
"Twenty-seventh pass, dates (issue 15): the rules combined, generated"; `tests/test_date_rules_combined.py`).

A page is a story (a headline, a few paragraphs, one publication day `day` at 10:00 in one zone) plus independent
parts. The story states its day in any subset of its own ways (`WAYS`): JSON-LD `datePublished`, an
`article:published_time` meta, a `<time>` or a printed date in the byline under the headline, a labelled line in an
info block after the story, the URL's /yyyy/mm/dd/, its age under the headline ("2 days ago", counted from
`tests.date_batch20.FETCHED`); or in none. Distractors (`DISTRACTORS`) each carry a day of their own, never the
story's: an update stamp (printed, JSON-LD `dateModified`, a modified meta: later than the story), related teasers,
readers' comments, an event box, a copyright year, a sidebar list, a newsletter's edition, a generic `DC.date`
meta, a photo caption.

Every part is written from how its class is built, not copied from a site. `render` gives (html, url).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta

from hypothesis import strategies as st

from tests.date_batch20 import FETCHED

FETCH_DAY = FETCHED.date()
TITLE = "Council approves the school budget"
LANGS = ("en", "de", "fr", "es", "it", "nl")
ZONES = ("+01:00", "+00:00", "-05:00")  # 10:00 in each is the same day in UTC and in the zone

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
}
PARAGRAPHS = {  # a paragraph's template: {n} makes each paragraph its own (a story repeats no paragraph)
    "en": "The council met on Tuesday and approved the budget for schools, roads and the library; item {n} of the "
          "plan gives the city's parks more money than last year.",
    "de": "Der Rat hat am Dienstag den Haushalt für Schulen, Straßen und die Bibliothek beschlossen; Punkt {n} des "
          "Plans gibt den Parks der Stadt mehr Geld als im letzten Jahr.",
    "fr": "Le conseil s'est réuni mardi et a approuvé le budget des écoles, des routes et de la bibliothèque ; le "
          "point {n} du plan donne aux parcs de la ville plus d'argent que l'an dernier.",
    "es": "El consejo se reunió el martes y aprobó el presupuesto para escuelas, carreteras y la biblioteca; el "
          "punto {n} del plan da a los parques de la ciudad más dinero que el año pasado.",
    "it": "Il consiglio si è riunito martedì e ha approvato il bilancio per scuole, strade e biblioteca; il punto "
          "{n} del piano dà ai parchi della città più soldi dell'anno scorso.",
    "nl": "De raad kwam dinsdag bijeen en keurde de begroting voor scholen, wegen en de bibliotheek goed; punt {n} "
          "van het plan geeft de parken van de stad meer geld dan vorig jaar.",
}
LABELS = {"en": "Published on", "de": "Veröffentlicht am", "fr": "Publié le", "es": "Publicado el",
          "it": "Pubblicato il", "nl": "Gepubliceerd op"}
UPDATES = {"en": "Updated", "de": "Aktualisiert am", "fr": "Mis à jour le", "es": "Actualizado el",
           "it": "Aggiornato il", "nl": "Bijgewerkt op"}
AGES = {"en": "{n} days ago", "de": "vor {n} Tagen", "fr": "il y a {n} jours", "es": "hace {n} días",
        "it": "{n} giorni fa", "nl": "{n} dagen geleden"}

WAYS = ("json_ld", "meta", "byline_time", "byline_text", "labelled", "url", "age", "self_link")
DISTRACTORS = ("update_printed", "update_json_ld", "update_meta", "related", "comments", "event", "copyright",
               "sidebar", "newsletter", "dc_date", "caption")
# Kinds the docs say are never read as the story's day (another story's block, a reader's, the site's, a photo's,
# an event's, a year): the second invariant is checked for these. Updates are read (as a bound, or as the
# publication of a page that states none) and a generic DC.date meta is htmldate's (the twenty-fifth pass).
NEVER_READ = ("related", "comments", "event", "copyright", "sidebar", "newsletter", "caption")
KEPT_ON_AN_UNDATED_PAGE = ("caption",)
"""On a page that states no day of its own, a photo caption's day is kept (docs/extraction.md, `dates._from_elsewhere`:
"without another date a caption's is kept: a photo is often of the day of the story")."""


def printed(day: date, lang: str, style: int = 0) -> str:
    """`day` as a byline or a label prints it in `lang` (`style` picks among the language's forms)."""
    month = MONTHS[lang].split()[day.month - 1]
    forms = {
        "en": [f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}"],
        "de": [f"{day.day}. {month} {day.year}", f"{day:%d.%m.%Y}"],
        "fr": [f"{day.day} {month} {day.year}", f"{day:%d/%m/%Y}"],
        "es": [f"{day.day} de {month} de {day.year}", f"{day:%d/%m/%Y}"],
        "it": [f"{day.day} {month} {day.year}", f"{day:%d/%m/%Y}"],
        "nl": [f"{day.day} {month} {day.year}", f"{day:%d-%m-%Y}"],
    }[lang]
    return forms[style % len(forms)]


@dataclass(frozen=True)
class DatePage:
    """One generated page: the story's day and how it states it, and the distractors' days."""

    day: date
    lang: str = "en"
    zone: str = "+01:00"
    style: int = 0
    paragraphs: int = 4
    ways: frozenset[str] = frozenset()
    distractors: tuple[tuple[str, date], ...] = ()  # in their order on the page
    teaser_order: tuple[int, ...] = (0, 1, 2)
    author: str = "plain"  # `AUTHOR_FORMS`: how the byline's author's part runs into its day
    link_form: int = 0  # `SELF_LINK_FORMS`: how an "about this article" sentence links the page

    def without(self, kind: str) -> DatePage:
        return replace(self, distractors=tuple(part for part in self.distractors if part[0] != kind))

    def distractor_days(self) -> set[date]:
        """The days the distractors state (a copyright line states a year, no day)."""
        days = {day for kind, day in self.distractors if kind != "copyright"}
        around = {"related_top": (-1, 0, 1), "related_inside": (-1, 0, 1), "live": (0, -1, -2),
                  "cards_bare": (-1, 0, 1), "live_bare": (0, -1, -2)}
        return days | {day + timedelta(days=n) for kind, day in self.distractors for n in around.get(kind, ())}

    def shown(self) -> str:
        parts = ", ".join(f"{kind} {day}" for kind, day in self.distractors)
        return (f"DatePage(day={self.day}, lang={self.lang}, zone={self.zone}, style={self.style}, "
                f"paragraphs={self.paragraphs}, ways={sorted(self.ways)}, distractors=[{parts}], "
                f"author={self.author}, link_form={self.link_form})")


UTC_ZONES = {"Z+": "T23:00:00Z", "Z-": "T20:00:00Z"}
"""Zones named by UTC only (thirty-third pass): "Z+" is a morning story east of UTC (its day's 00:00 at +01:00 is the
day before's 23:00 Z), "Z-" an afternoon story in the Americas (20:00 Z, 15:00 at -05:00). A reader sees the day the
byline prints beside such a time (`printedday.onto_printed_day`)."""


def stamp(day: date, zone: str) -> str:
    if zone == "Z+":
        return f"{(day - timedelta(days=1)).isoformat()}{UTC_ZONES[zone]}"
    if zone in UTC_ZONES:
        return f"{day.isoformat()}{UTC_ZONES[zone]}"
    return f"{day.isoformat()}T10:00:00{zone}"


def render(page: DatePage) -> tuple[str, str]:
    """The page's HTML and URL."""
    parts = dict(page.distractors)
    head = _head(page, parts)
    story = [f"<p>{PARAGRAPHS[page.lang].format(n=n + 1)}</p>" for n in range(page.paragraphs)]
    if "headline_event" in parts:
        story[0] = story[0].replace("<p>", f"<p>{_event_sentence(page, parts['headline_event'])} ", 1)
    story.insert(min(2, len(story)), _inside(page, parts))
    article = (f'<article class="post"><h1>{_headline(page, parts)}</h1>{_byline(page, parts)}'
               f'{_caption(page, parts)}' + "".join(story) + _event(page, parts) + _labelled(page) + "</article>")
    after = "".join(_after_block(page, kind, day) for kind, day in page.distractors) + _self_link(page)
    year = parts.get("copyright", page.day).year
    html = (f'<html lang="{page.lang}"><head><title>{TITLE} | Example</title>{head}</head><body>'
            f'<header class="site"><a href="/">Example</a><nav><a href="/news">News</a> '
            f'<a href="/sport">Sport</a></nav></header><main>{_top(page, parts)}{article}{after}</main>'
            f"<footer><p>© {year} Example Media</p></footer></body></html>")
    return html, _url(page)


def _url(page: DatePage) -> str:
    if "url" in page.ways:
        return f"https://www.example.org/{page.day:%Y/%m/%d}/council-school-budget.html"
    return "https://www.example.org/news/council-school-budget.html"


def _head(page: DatePage, parts: dict[str, date]) -> str:
    head = ""
    if "meta" in page.ways:
        head += f'<meta property="article:published_time" content="{stamp(page.day, page.zone)}">'
    if "update_meta" in parts:
        head += f'<meta property="article:modified_time" content="{stamp(parts["update_meta"], page.zone)}">'
    if "dc_date" in parts:
        head += f'<meta name="DC.date" content="{parts["dc_date"].isoformat()}">'
    ld: dict[str, str] = {}
    if "json_ld" in page.ways:
        ld["datePublished"] = stamp(page.day, page.zone)
    if "update_json_ld" in parts:
        ld["dateModified"] = stamp(parts["update_json_ld"], page.zone)
    if ld:
        graph = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": TITLE, **ld}
        head += f'<script type="application/ld+json">{json.dumps(graph, ensure_ascii=False)}</script>'
    return head


def _byline(page: DatePage, parts: dict[str, date]) -> str:
    when = ""
    if "byline_time" in page.ways:
        when = f'<time datetime="{stamp(page.day, page.zone)}">{printed(page.day, page.lang, page.style)}</time>'
    elif "byline_text" in page.ways:
        when = printed(page.day, page.lang, page.style)
        if page.author == "weekday":
            when = f"{WEEKDAYS[page.lang].split()[page.day.weekday()]} {when}"
        if page.author == "label":  # a print edition's day: the next
            when = printed(page.day + timedelta(days=1), page.lang, page.style)
    elif "age" in page.ways:
        when = AGES[page.lang].format(n=(FETCH_DAY - page.day).days)
    lead = ""
    if "update_lead" in parts:  # "Updated <later day> · Published on <the story's day>", the update first
        stamped = printed(parts["update_lead"], page.lang, page.style)
        lead = f'<span class="updated">{UPDATES[page.lang]} {stamped} ·</span> '
        when = f"{LABELS[page.lang]} {when}" if when and "age" not in page.ways else when
    update = ""
    if "update_printed" in parts:
        stamped = printed(parts["update_printed"], page.lang, page.style)
        update = f' <span class="updated">{UPDATES[page.lang]} {stamped}</span>'
    return (f'<div class="byline"><span class="author">{_author(page)}</span> {lead}<span class="when">{when}</span>'
            f"{update}</div>")


AUTHOR_CUES = {"en": "By", "de": "Von", "fr": "Par", "es": "Por", "it": "Di", "nl": "Door"}
EDITION_LABELS = {"en": "Print Edition", "de": "Printausgabe", "fr": "Édition Papier", "es": "Edición Impresa",
                  "it": "Edizione Cartacea", "nl": "Papieren Editie"}
ROLES = {"en": "Staff Writer", "de": "Redakteur", "fr": "Rédacteur", "es": "Redactor", "it": "Redattore",
         "nl": "Redacteur"}
WEEKDAYS = {  # Monday first, as each language prints them in a byline
    "en": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "de": "Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag",
    "fr": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "es": "lunes martes miércoles jueves viernes sábado domingo",
    "it": "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "nl": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
}
AUTHOR_FORMS = ("plain", "cue", "role", "weekday", "label")
"""The byline's author's part (thirty-third pass): the name alone (no cue), "By A. Writer ·", "By A. Writer, Staff
Writer ·", "By A. Writer · Friday" (a weekday runs into the day), "By A. Writer · Print Edition" (a label runs into
the day: `authorcues._label_after_name`, thirty-second pass; its day is not read)."""


def _author(page: DatePage) -> str:
    cue = AUTHOR_CUES[page.lang]
    return {"plain": "A. Writer", "cue": f"{cue} A. Writer ·", "weekday": f"{cue} A. Writer ·",
            "role": f"{cue} A. Writer, {ROLES[page.lang]} ·",
            "label": f"{cue} A. Writer · {EDITION_LABELS[page.lang]}"}[page.author]


SELF_LINK_FORMS = 6
"""An "about this article" sentence's link to the page (thirty-second pass, rule 2): 0 absolute, 1 the path, 2 without
the scheme, 3 the other scheme, 4 absolute with a final slash, 5 the path with a final slash."""
SELF_SENTENCES = {
    "en": "This entry {link} was posted on {day}.",
    "de": "Der Beitrag {link} wurde am {day} veröffentlicht.",
    "fr": "L'article {link} a été publié le {day}.",
    "es": "Esta entrada {link} fue publicada el {day}.",
    "it": "L'articolo {link} è stato pubblicato il {day}.",
    "nl": "Het bericht {link} werd gepubliceerd op {day}.",
}


def _self_link(page: DatePage) -> str:
    if "self_link" not in page.ways:
        return ""
    url = _url(page)
    path = url.split("example.org", 1)[1]
    href = [url, path, "//www.example.org" + path, url.replace("https:", "http:"), url + "/", path + "/"][
        page.link_form % SELF_LINK_FORMS]
    sentence = SELF_SENTENCES[page.lang].format(link=f'<a href="{href}">{TITLE}</a>',
                                                day=printed(page.day, page.lang))  # named: see below
    return f'<aside class="about-entry"><h3>About</h3><p>{sentence}</p></aside>'
    # the month by name; a slashed day there is read in the page's order (thirty-fourth pass,
    # `test_a_sentence_about_the_page_with_a_slashed_day_is_read_in_the_pages_order`)



def _caption(page: DatePage, parts: dict[str, date]) -> str:
    if "caption" not in parts:
        return ""
    return (f'<figure><img src="/photos/council.jpg" alt="The council"><figcaption>The council chamber, '
            f"{printed(parts['caption'], page.lang, page.style)}. Photo: Example</figcaption></figure>")


def _event(page: DatePage, parts: dict[str, date]) -> str:
    if "event" not in parts:
        return ""
    return (f'<div class="event-info"><h4>Event</h4><p>Public hearing: '
            f"{printed(parts['event'], page.lang, page.style)}, 19:00, City Hall</p></div>")


def _labelled(page: DatePage) -> str:
    if "labelled" not in page.ways:
        return ""
    return f'<div class="info"><p>{LABELS[page.lang]} {printed(page.day, page.lang, page.style)}</p></div>'


def _after_block(page: DatePage, kind: str, day: date) -> str:
    """A distractor that sits after the story, in the page's order of distractors; others render in place."""
    if kind == "related":
        items = [f'<li><a href="/news/other-{n}">Another council story number {n}</a> '
                 f'<time datetime="{stamp(day - timedelta(days=n), page.zone)}">'
                 f"{printed(day - timedelta(days=n), page.lang, page.style)}</time></li>" for n in page.teaser_order]
        return f'<section class="related-stories"><h3>More news</h3><ul>{"".join(items)}</ul></section>'
    if kind == "comments":
        return ('<section id="comments" class="comments"><h3>2 comments</h3><article class="comment">'
                f'<footer class="comment-meta"><b>Reader</b> <time datetime="{stamp(day, page.zone)}">'
                f"{printed(day, page.lang, page.style)}</time></footer><p>Well done.</p></article></section>")
    if kind == "sidebar":
        return (f'<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/news/most-read">Most read story</a> '
                f"<span>{printed(day, page.lang, page.style)}</span></li></ul></aside>")
    if kind == "newsletter":
        return (f'<div class="newsletter">Today\'s edition: {printed(day, page.lang, page.style)}. '
                '<a href="/signup">Sign up</a></div>')
    return ""


# --- the thirty-eighth pass's parts (docs/extraction.md, "Thirty-eighth pass, dates") ----------------------------

PARTS_38 = ("related_top", "related_inside", "comments_top", "live", "update_lead", "headline_event", "top_link")
"""Parts real news pages carry that the first grammar did not draw: another stories' list with their days above the
story and inside it (two days around the part's day), readers' comments with timestamps above the story, a live
blog's timestamped entries (the newest first, later days) inside it, a "last updated" stamp printed before the
"published" label in the byline, an event's day in the headline (yearless) and in the first sentence, a link near the
top to another story's date-stamped URL. None of their days is the story's; only the update is read (a bound)."""
EVENTS = {"en": ("Vote on {d}", "The vote on {p} will decide the plan."),
          "de": ("Abstimmung am {d}", "Die Abstimmung am {p} entscheidet über den Plan."),
          "fr": ("Vote le {d}", "Le vote du {p} décidera du plan."),
          "es": ("Votación el {d}", "La votación del {p} decidirá el plan."),
          "it": ("Voto il {d}", "Il voto del {p} deciderà il piano."),
          "nl": ("Stemming op {d}", "De stemming op {p} beslist over het plan.")}


def yearless(day: date, lang: str) -> str:
    month = MONTHS[lang].split()[day.month - 1]
    return {"en": f"{month} {day.day}", "de": f"{day.day}. {month}", "es": f"{day.day} de {month}"}.get(
        lang, f"{day.day} {month}")


def _headline(page: DatePage, parts: dict[str, date]) -> str:
    if "headline_event" not in parts:
        return TITLE
    return f"{EVENTS[page.lang][0].format(d=yearless(parts['headline_event'], page.lang))}: {TITLE.lower()}"


def _event_sentence(page: DatePage, day: date) -> str:
    return EVENTS[page.lang][1].format(p=printed(day, page.lang, page.style))


def _teasers(page: DatePage, day: date, css: str) -> str:
    items = [f'<li><a href="/news/{css}-{n}">Another council story number {n}</a> '
             f'<time datetime="{stamp(day + timedelta(days=n - 1), page.zone)}">'
             f"{printed(day + timedelta(days=n - 1), page.lang, page.style)}</time></li>" for n in page.teaser_order]
    return f'<section class="{css}"><h3>Most read</h3><ul>{"".join(items)}</ul></section>'


def _top(page: DatePage, parts: dict[str, date]) -> str:
    top = ""
    if "top_link" in parts:
        top += (f'<div class="breaking"><a href="https://www.example.org/{parts["top_link"]:%Y/%m/%d}/'
                'storm-closes-roads.html">Breaking: storm closes roads</a></div>')
    if "comments_top" in parts:
        day = parts["comments_top"]
        top += ('<section class="latest-comments"><h3>Latest comments</h3><p><b>Reader</b> '
                f'<time datetime="{stamp(day, page.zone)}">{printed(day, page.lang, page.style)}</time>: '
                "Good news for the parks.</p></section>")
    if "related_top" in parts:
        top += _teasers(page, parts["related_top"], "top-stories")
    return top


def _inside(page: DatePage, parts: dict[str, date]) -> str:
    inside = ""
    if "related_inside" in parts:
        inside += _teasers(page, parts["related_inside"], "read-also")
    inside += _bare_parts(page, parts)
    if "live" in parts:  # the newest first, down to the day after the story's
        days = [parts["live"] - timedelta(days=n) for n in range(3) if parts["live"] - timedelta(days=n) > page.day]
        inside += "".join(f'<div class="live-entry"><time datetime="{stamp(day, page.zone)}">'
                          f"{printed(day, page.lang, page.style)}, 10:00</time><p>Update {n}: the council "
                          "answered questions.</p></div>" for n, day in enumerate(days))
    return inside


# --- the thirty-ninth pass's parts (docs/extraction.md, "Thirty-ninth pass, dates") -------------------------------

PARTS_40 = ("live_bare", "cards_bare")
"""The thirty-eighth pass's live blog and teaser list as a theme may write them with no class or id at all: live
posts as bare `<div>`s, each its `<time>` and a paragraph, the newest first, on days after the story's; "Most read"
cards as bare `<div>`s, each a headline's link and its `<time>` (the part's day and the days around it). Both inside
the story, after its second paragraph, in a bare `<div>`. Neither day is the story's."""


def _bare_parts(page: DatePage, parts: dict[str, date]) -> str:
    bare = ""
    if "cards_bare" in parts:
        cards = [(parts["cards_bare"] + timedelta(days=n - 1), n) for n in page.teaser_order]
        bare += "<div>" + "".join(
            f'<div><a href="/news/story-{n}">Another council story number {n}</a> <time datetime="'
            f'{stamp(day, page.zone)}">{printed(day, page.lang, page.style)}</time></div>' for day, n in cards)
        bare += "</div>"
    if "live_bare" in parts:  # the newest first, down to the day after the story's
        days = [parts["live_bare"] - timedelta(days=n) for n in range(3)
                if parts["live_bare"] - timedelta(days=n) > page.day]
        bare += "<div>" + "".join(
            f'<div><time datetime="{stamp(day, page.zone)}">{printed(day, page.lang, page.style)}, 10:00</time>'
            f"<p>Update {n}: the council answered questions.</p></div>" for n, day in enumerate(days)) + "</div>"
    return bare


# --- strategies ---------------------------------------------------------------------------------------------

def _distractor_day(kind: str, story_day: date) -> st.SearchStrategy[date]:
    """A day for a distractor of this kind, never the story's (updates and comments later, up to the fetch)."""
    if kind in ("update_printed", "update_json_ld", "update_meta", "comments"):
        later = (FETCH_DAY - story_day).days
        return st.integers(1, max(1, later)).map(lambda n: story_day + timedelta(days=n))
    if kind in ("update_lead", "live", "live_bare"):  # a later day, up to the fetch
        return _distractor_day("comments", story_day)
    if kind == "headline_event":  # an event the story announces: after its day
        return st.integers(3, 40).map(lambda n: story_day + timedelta(days=n))
    if kind == "newsletter":
        return st.just(FETCH_DAY)  # the day it is read
    if kind == "copyright":
        return st.sampled_from([date(story_day.year, 1, 1), date(story_day.year - 1, 1, 1)])
    if kind == "event":  # an event may come before or after the story
        return st.integers(-40, 40).filter(lambda n: abs(n) >= 3).map(lambda n: story_day + timedelta(days=n))
    # another story's teaser, a sidebar's item, a photo, a CMS record: before the page is read
    return st.integers(-40, 40).filter(lambda n: abs(n) >= 3).map(
        lambda n: min(story_day + timedelta(days=n), FETCH_DAY - timedelta(days=1)))


@st.composite
def date_pages(draw: st.DrawFn, ways: st.SearchStrategy[frozenset[str]] | None = None,
               kinds: tuple[str, ...] = DISTRACTORS) -> DatePage:
    """A page: a day (close to the fetch, so an age can state it, or any day of 2025-2026), its ways, distractors."""
    chosen = draw(ways if ways is not None else st.frozensets(st.sampled_from(WAYS)))
    if "age" in chosen or draw(st.booleans()):  # an age names a day close to the fetch
        day = FETCH_DAY - timedelta(days=draw(st.integers(2, 9)))
    else:
        day = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 690)))
    picked = draw(st.lists(st.sampled_from(kinds), unique=True, max_size=5))
    distractors = tuple((kind, draw(_distractor_day(kind, day))) for kind in picked)
    return DatePage(day=day, lang=draw(st.sampled_from(LANGS)), zone=draw(st.sampled_from(ZONES)),
                    style=draw(st.integers(0, 1)), paragraphs=draw(st.integers(2, 16)), ways=chosen,
                    distractors=distractors, teaser_order=tuple(draw(st.permutations([0, 1, 2]))),
                    author=draw(st.sampled_from(AUTHOR_FORMS[:4])), link_form=draw(st.integers(0, 5)))



STORY_WAYS = st.frozensets(st.sampled_from(WAYS), min_size=1)


@st.composite
def utc_author_pages(draw: st.DrawFn) -> DatePage:
    """A page whose machine date is given in UTC only ("Z+", "Z-": `UTC_ZONES`) and whose byline prints its day after
    an author's name (`AUTHOR_FORMS` but the name alone), with any other ways and distractors (thirty-third pass): a
    label's next day ("Print Edition") only over an afternoon's 20:00 Z, where reading it would move the day."""
    machine = draw(st.sampled_from([frozenset({"json_ld"}), frozenset({"meta"}), frozenset({"json_ld", "meta"})]))
    others = draw(st.frozensets(st.sampled_from(("labelled", "url", "self_link"))))
    page = draw(date_pages(ways=st.just(machine | others | {"byline_text"})))
    author = draw(st.sampled_from(AUTHOR_FORMS[1:]))
    zone = "Z-" if author == "label" else draw(st.sampled_from(tuple(UTC_ZONES)))
    return replace(page, author=author, zone=zone)
