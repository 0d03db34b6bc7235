# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The twenty-first date pass's batch (docs/extraction.md, "Twenty-first pass, dates"): pages that state their
publication only in a form the twentieth pass left unread. A Unix time in a `data-` attribute with a generic name
(`data-timestamp`, `data-time`, `data-epoch`, `data-unix`) on an element under the headline, which front ends
fill in the reader's clock ("3 hours ago", a weekday) or leave empty for a script; Taiwan's Minguo year slashed
("115/03/12", the form of Taiwanese news sites' "發布時間"); Afghanistan's Pashto names of the solar months, year
first as Pashto sites print them ("۱۴۰۴ کب ۲۱") or day first; and Iranian English-language sites' romanised Persian
months ("21 Esfand 1404").

Each page is hand-written from how its class writes the date, not copied from a site. Each entry is (name, html,
url, the day a run stores for it fetched at `FETCHED` from a feed item without a date; None where the page
states no date of its own). Both sets were written before any rule of this pass; the second (`PAGES_AFTER`) was not
used to choose or tune them. `python -m tests.date_batch21 [after]` prints the misses.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

from tests.date_batch20 import COOKIE, EDITION, STRIP, TICKER, WIDGET, probe_ages
from tests.test_date_classes import STORY, TITLE, page

MARCH_12 = date(2026, 3, 12)
EPOCH_MARCH_12 = int(datetime(2026, 3, 12, 10, 30, tzinfo=UTC).timestamp())
EPOCH_FEB_3 = int(datetime(2026, 2, 3, 8, 0, tzinfo=UTC).timestamp())
EPOCH_NOV_30 = int(datetime(2026, 11, 30, 21, 0, tzinfo=UTC).timestamp())
NEWS = "https://news.example.com/politics/budget"
TW = "https://news.example.com.tw/politics/20260001"
AF = "https://www.example.af/ps/news/1"
IR = "https://en.example.ir/news/1"
COMMENTS = ('<section class="comments"><h3>Comments</h3><div class="comment" data-timestamp="'
            f'{EPOCH_NOV_30}"><p>Good decision by the council, finally.</p></div></section>')

# --- the first set ----------------------------------------------------------------------------------------
PAGES: list[tuple[str, str, str, date | None]] = [
    ("ts-seconds", page(f'<span class="date" data-timestamp="{EPOCH_MARCH_12}"></span>'), NEWS, MARCH_12),
    ("ts-millis", page(f'<span class="date" data-timestamp="{EPOCH_MARCH_12 * 1000}"></span>'), NEWS, MARCH_12),
    ("ts-time", page(f'<time class="js-age" data-time="{EPOCH_MARCH_12}">Thursday</time>'), NEWS, MARCH_12),
    ("ts-epoch", page(f'<span data-epoch="{EPOCH_MARCH_12}">Thursday</span>'), NEWS, MARCH_12),
    ("ts-unix", page(f'<span class="js-date" data-unix="{EPOCH_MARCH_12}"></span>'), NEWS, MARCH_12),
    # guard: a reader's comment below the story is no date of the story's
    ("ts-comment", page("", after=COMMENTS), NEWS, None),
    ("tw-slashed", page("115/03/12 10:30", "zh-TW"), TW, MARCH_12),
    ("tw-labelled", page("發布時間：115/03/12 10:30", "zh-TW"), TW, MARCH_12),
    ("ps-year-first", page("۱۴۰۴ کب ۲۱", "ps"), AF, MARCH_12),
    ("ps-day-first", page("۲۱ کب ۱۴۰۴", "ps"), AF, MARCH_12),
    ("fa-romanised", page("21 Esfand 1404", "en"), IR, MARCH_12),
]

# --- the second set: written with the first, before any rule; not used to choose or tune them -------------
PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("ts-time-millis", page(f'<time data-timestamp="{EPOCH_FEB_3 * 1000}">Tuesday</time>'), NEWS, date(2026, 2, 3)),
    ("ts-nested", page(f'<div class="meta"><span class="ago" data-time="{EPOCH_FEB_3}">Tuesday</span></div>'),
     NEWS, date(2026, 2, 3)),
    ("ts-related-guard", page("", after='<ul class="related"><li><a href="/o">Other story</a> <span data-timestamp="'
                              f'{EPOCH_NOV_30}"></span></li></ul>'), NEWS, None),
    # review: left (None) - a bare "115/02/03" or a dashed "115-03-12" is read no more: a reference number, a score
    # or a Russian phone number's tail ("(495) 111-03-12") wrote the same (tests/test_date_classes21.py)
    ("tw-short-time", page("115/02/03", "zh-TW"), TW, None),
    ("tw-dash", page("發布時間：115-03-12 10:30", "zh-TW"), TW, None),
    ("ps-dalw", page("۱۴۰۴ سلواغه ۱۴", "ps"), AF, date(2026, 2, 3)),
    ("ps-comma", page("کب ۲۱، ۱۴۰۴", "ps"), AF, MARCH_12),
    ("fa-romanised-dey", page("12 Dey 1404", "en"), IR, date(2026, 1, 2)),
    ("fa-romanised-month-first", page("Esfand 21, 1404", "en"), IR, MARCH_12),
    ("fa-romanised-story", page("Bahman 14, 1404 - 11:20", "en", story=STORY), IR, date(2026, 2, 3)),
]


# --- the second class: a page dated only by its age whose story names an earlier day in a sentence ----------
# htmldate takes an event's date from the story's prose ("The council, which first met on 30 November 2026, …")
# on a page that states only its age under the headline ("2 days ago"); the twentieth pass left it
# (`tests.date_batch20.AGE_PAGES_LEFT`). Written, both sets, before the rule; fetched at batch20's `FETCHED`.
DEC_2, DEC_4, NOV_30 = date(2026, 12, 2), date(2026, 12, 4), date(2026, 11, 30)


def prose_page(age: str, lang: str, sentence: str, first: bool = True) -> str:
    return page(age, lang, story=f"<p>{sentence}</p>{STORY}" if first else f"{STORY}<p>{sentence}</p>")


PROSE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-festival", prose_page("5 hours ago", "en", "The festival, which opened on 28 November 2026, drew record "
                               "crowds to the old harbour over the weekend despite the rain."), NEWS, DEC_4),
    ("fr-conseil", prose_page("il y a 2 jours", "fr", "Le conseil, réuni pour la première fois le 30 novembre 2026, "
                              "a adopté mardi le budget des écoles et des routes après un long débat."),
     "https://www.example.fr/politique/1", DEC_2),
    ("it-consiglio", prose_page("2 giorni fa", "it", "Il consiglio, riunito per la prima volta il 30 novembre 2026, "
                                "ha approvato martedì il bilancio per le scuole e le strade dopo un lungo dibattito."),
     "https://www.example.it/politica/1", DEC_2),
    ("pt-conselho", prose_page("há 5 horas", "pt", "O conselho, que se reuniu pela primeira vez em 30 de novembro de "
                               "2026, aprovou o orçamento das escolas e estradas depois de um longo debate."),
     "https://www.example.pt/politica/1", DEC_4),
    # guard: a short dateline the story prints itself is no sentence (an exact day beats a rounded age, as before)
    ("en-dateline-guard", page("5 hours ago", story="<p>30 November 2026</p>" + STORY), NEWS, NOV_30),
]
PROSE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("nl-raad", prose_page("2 dagen geleden", "nl", "De gemeenteraad, die op 30 november 2026 voor het eerst "
                           "vergaderde, keurde dinsdag na een lang debat de begroting voor scholen en wegen goed."),
     "https://www.example.nl/politiek/1", DEC_2),
    ("pl-rada", prose_page("2 dni temu", "pl", "Rada, która po raz pierwszy zebrała się 30 listopada 2026 r., "
                           "przyjęła we wtorek po długiej debacie budżet na szkoły i drogi."),
     "https://www.example.pl/polityka/1", DEC_2),
    ("id-dewan", prose_page("5 jam yang lalu", "id", "Dewan, yang pertama kali bertemu pada 30 November 2026, "
                            "menyetujui anggaran sekolah dan jalan pada hari Selasa setelah perdebatan panjang."),
     "https://www.example.co.id/politik/1", DEC_4),
    ("en-second-paragraph", prose_page("2 days ago", "en", "The plan was first put forward on 30 November 2026 by "
                                       "the mayor, who said the schools could not wait any longer.", first=False),
     NEWS, DEC_2),
    ("de-rat", prose_page("vor 5 Stunden", "de", "Der Rat, der am 30. November 2026 zum ersten Mal über den Plan "
                          "beraten hatte, hat am Dienstag nach langer Debatte den Haushalt beschlossen."),
     "https://www.example.de/politik/3", DEC_4),
]


# --- the third class: a page without `<article>` dated only by its age, with its furniture's day -------------
# The twentieth pass's rule 3 drops a ticker's or cookie notice's day only outside the story's `<article>`; a
# page whose story sits in a `<div>`, `<main>` or `<section>` kept htmldate's day (the twentieth pass left it).
# Both sets written before a rule; fetched at batch20's `FETCHED`, no feed date. Left by this pass (a first rule,
# the story bounded by the headline's nearest ancestor holding a paragraph, changed nothing: the ticker's day was
# read as the byline's); done by the twenty-second pass, which bounds the byline's texts too, and tested in
# tests/test_date_classes22.py.
def wrapped_page(byline: str, lang: str = "en", after: str = "", tag: str = "div", kicker: str = "",
                 in_header: bool = False) -> str:
    head = f'<h1>{TITLE}</h1><div class="byline"><span class="author">A. Writer</span> <span>{byline}</span></div>'
    head = f"<header>{head}</header>" if in_header else head
    return (f'<html lang="{lang}"><head><title>{TITLE}</title></head><body><header><a href="/">Home</a></header>'
            f'<{tag} class="post">{kicker}{head}{STORY}</{tag}>{after}<footer>© 2026 Example</footer></body></html>')


KICKER = '<div class="kicker">Politics <time datetime="2026-11-30T20:00:00Z">30 Nov</time></div>'
NO_ARTICLE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-div-ticker", wrapped_page("2 days ago", after=TICKER), NEWS, DEC_2),
    ("de-div-cookie", wrapped_page("vor 2 Tagen", "de", after=COOKIE), "https://www.example.de/politik/4", DEC_2),
    ("es-main-widget", wrapped_page("hace 2 días", "es", after=WIDGET, tag="main"), "https://www.example.es/p/3",
     DEC_2),
    # guard: a time the story prints itself, above its headline inside its container, is exact
    ("en-div-kicker-guard", wrapped_page("3 days ago", after=TICKER, kicker=KICKER), NEWS, NOV_30),
]
NO_ARTICLE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("tr-div-strip", wrapped_page("2 gün önce", "tr", after=STRIP), "https://www.example.com.tr/gundem/2", DEC_2),
    ("pt-section-edition", wrapped_page("há 2 dias", "pt", after=EDITION, tag="section"),
     "https://www.example.com.br/politica/2", DEC_2),
    ("id-header-ticker", wrapped_page("2 hari yang lalu", "id", after=TICKER, in_header=True),
     "https://www.example.co.id/berita/2", DEC_2),
    ("en-div-hours", wrapped_page("5 hours ago", after=EDITION), NEWS, DEC_4),
]


if __name__ == "__main__":
    sets = {"after": PAGES_AFTER, "prose": PROSE_PAGES, "prose-after": PROSE_PAGES_AFTER,
            "no-article": NO_ARTICLE_PAGES, "no-article-after": NO_ARTICLE_PAGES_AFTER}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), PAGES))
