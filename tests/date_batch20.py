# ruff: noqa: RUF001  (letters of other scripts are the dates' own)
"""The twentieth date pass's batch (docs/extraction.md, "Twentieth pass, dates"): a page's age printed under
the headline in the forms BBC World Service and its neighbours print in Africa and South and Southeast Asia,
where the unit comes before the count (Hausa "Sa'o'i 3 da suka wuce", Yoruba "wákàtí 3 sẹ́yìn", Igbo
"elekere 3 gara aga", Oromo "Sa'aatii 3 dura", Sinhala "පැය 3 කට පෙර", Kinyarwanda "Haciye amasaha 3"), "ago"
is joined to the unit (Marathi "३ तासांपूर्वी") or is a word the last passes lacked (Nepali "पहिले", Pashto
"وړاندې", Somali "ka hor", Amharic "ከ 3 ሰአት በፊት", Tigrinya "ቅድሚ", Burmese "လွန်ခဲ့သော … က", Persian "قبل"
after the count, Malay "lepas", Filipino "na ang nakalipas", Nigerian Pidgin "wey don pass", Kenyan Swahili
"masaa").

Each form is taken from how the outlet's site software writes it (BBC's psammead-locales moment files for
the BBC languages), not copied from a page. Each entry is (language, the line under the headline, the age it
gives or None). Shared by tests/test_date_classes20.py and the probe `python -m tests.date_batch20 relative
[after]`. The second set (`RELATIVE_AFTER`) was written with the first, before any rule, and not used to
choose them.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta

from tests.date_batch17 import probe_relative
from tests.test_date_classes import STORY, page

H3, M = timedelta(hours=3), timedelta(minutes=1)

# --- the first set ----------------------------------------------------------------------------------------
RELATIVE: list[tuple[str, str, timedelta | None]] = [
    ("ha", "Sa'o'i 3 da suka wuce", H3),
    ("ha", "Mintuna 25 da suka wuce", 25 * M),
    ("yo", "wákàtí 3 sẹ́yìn", H3),
    ("ig", "elekere 3 gara aga", H3),
    ("om", "Sa'aatii 3 dura", H3),
    ("am", "ከ 3 ሰአት በፊት", H3),
    ("ti", "ቅድሚ 3 ሰዓታት", H3),
    ("ps", "۳ ساعتونه وړاندې", H3),
    ("si", "පැය 3 කට පෙර", H3),
    ("so", "3 Saacadood ka hor", H3),
    ("ne", "३ घण्टा पहिले", H3),
    ("mr", "३ तासांपूर्वी", H3),
    ("pcm", "3 hours wey don pass", H3),
    ("rw", "Haciye amasaha 3", H3),
    ("fa", "۳ ساعت قبل", H3),
    ("ms", "2 hari lepas", timedelta(days=2)),
    ("tl", "3 oras na ang nakalipas", H3),
    ("my", "လွန်ခဲ့သော ၃ နာရီ က", H3),
    ("sw", "masaa 3 yaliyopita", H3),
    # guards: "before" something, not the page's age
    ("fa", "۳ روز قبل از انتخابات", None),
    ("am", "ከምርጫው 3 ቀን በፊት", None),
]

# --- the second set: written with the first, before the rules; not used to choose them ------------------
RELATIVE_AFTER: list[tuple[str, str, timedelta | None]] = [
    ("ha", "Sa'a 1 da ta wuce", timedelta(hours=1)),
    ("ha", "Kwanaki 2 da suka wuce", timedelta(days=2)),
    ("yo", "ìṣẹ́jú 45 sẹ́yìn", 45 * M),
    ("ig", "nkeji 10 gara aga", 10 * M),
    ("om", "Daqiiqaa 40 dura", 40 * M),
    ("am", "ከ 20 ደቂቃዎች በፊት", 20 * M),
    ("ti", "ቅድሚ 15 ደቓይቕ", 15 * M),
    ("ps", "۵ دقیقې وړاندې", 5 * M),
    ("si", "මිනිත්තු 30 පෙර", 30 * M),
    ("so", "10 Daqiiqadood ka hor", 10 * M),
    ("ne", "१५ मिनेट पहिले", 15 * M),
    ("mr", "२ दिवसांपूर्वी", timedelta(days=2)),
    ("pcm", "2 days wey don pass", timedelta(days=2)),
    ("rw", "Iminota 5 iraheze", 5 * M),
    ("fa", "۲ روز قبل", timedelta(days=2)),
    ("ms", "5 jam lepas", timedelta(hours=5)),
    ("my", "လွန်ခဲ့သော ၂ ရက် က", timedelta(days=2)),
    ("fa", "۲ ساعت قبل از بازی", None),
]


# --- pages dated only by their age under the headline, with today's date elsewhere --------------------------
# A site's furniture prints the day it is read: a ticker or a "live" strip, a cookie notice's consent stamp, a
# widget, below the story; htmldate takes that day, and the page's age ("2 days ago") was never read (an age is
# read only when nothing dates the page). Each entry is (name, html, url, the publication day counted from
# `FETCHED`, with no feed date). The first set was written after a probe of five of its lines on main, the rule
# after it; the second set (`AGE_PAGES_AFTER`) before the rule was run on it, and not used to choose it.
FETCHED = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
DEC_2 = date(2026, 12, 2)
TICKER = ('<div class="ticker"><span>LIVE</span> <a href="/markets">Markets open higher</a> '
          "<span>4 December 2026</span></div>")
COOKIE = '<div id="cookie-consent">Your consent was recorded on 04/12/2026 09:00.</div>'
AGE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("en-ticker", page("2 days ago", "en", after=TICKER), "https://news.example.com/politics/budget", DEC_2),
    ("de-cookie", page("vor 2 Tagen", "de", after=COOKIE), "https://www.example.de/politik/haushalt", DEC_2),
    ("ha-ticker", page("Kwanaki 2 da suka wuce", "ha", after=TICKER), "https://www.example.ng/hausa/labarai/1",
     DEC_2),
    ("id-ticker", page("2 hari yang lalu", "id", after=TICKER), "https://www.example.co.id/berita/1", DEC_2),
]

WIDGET = '<aside class="weather"><h3>Weather</h3><p>Thu, 4 Dec 2026: 14°C, light rain</p></aside>'
EDITION = '<div class="newsletter">Today\'s edition — 4 December 2026. <a href="/signup">Sign up</a></div>'
STRIP = '<div class="scores">Live scores · <time datetime="2026-12-04T09:00:00Z">4 Dec</time> · 3 matches</div>'
GENERATED = '<div class="build">Page generated 04.12.2026 09:58</div>'
AGE_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("es-widget", page("hace 2 días", "es", after=WIDGET), "https://www.example.es/politica/1", DEC_2),
    ("pt-edition", page("há 2 dias", "pt", after=EDITION), "https://www.example.com.br/politica/1", DEC_2),
    ("tr-strip", page("2 gün önce", "tr", after=STRIP), "https://www.example.com.tr/gundem/1", DEC_2),
    ("vi-generated", page("2 ngày trước", "vi", after=GENERATED), "https://www.example.vn/thoi-su/1", DEC_2),
    ("mr-widget", page("२ दिवसांपूर्वी", "mr", after=WIDGET), "https://www.example.in/marathi/1", DEC_2),
    ("en-edition-hours", page("5 hours ago", "en", after=EDITION), "https://news.example.com/world/1",
     date(2026, 12, 4)),
]

# Left, not done (not tested; `python -m tests.date_batch20 ages left` prints them). The first set's Persian
# page: its cookie stamp "04/12/2026" is not found as 4 December on a Persian page (no slash order), so the
# rule, which drops htmldate's day only where it finds it printed outside the story, leaves it. And, found while
# checking the rule: an event's date in the story's first paragraph ("The council, which first met on 30 November
# 2026, …" under "5 hours ago"), which htmldate takes: a first form of the rule (dropping any day it could not
# find inside the story) dated these by their age, and also dropped exact dates only attributes give
# (`itemprop`, `data-published`, JSON-LD `dateCreated`): review, not kept.
PROSE_EN = ("<p>The council, which first met on 30 November 2026 to discuss the plan, approved the budget for "
            "schools, roads and the library on Tuesday after a long debate.</p>")
PROSE_DE = ("<p>Der Rat, der am 30.11.2026 zum ersten Mal über den Plan beraten hatte, hat am Dienstag nach langer "
            "Debatte den Haushalt für Schulen, Straßen und die Bibliothek beschlossen.</p>")
PROSE_ES = ("<p>El consejo, que se reunió por primera vez el 30 de noviembre de 2026 para estudiar el plan, aprobó "
            "el martes el presupuesto para escuelas, carreteras y la biblioteca tras un largo debate.</p>")
AGE_PAGES_LEFT: list[tuple[str, str, str, date | None]] = [
    ("fa-cookie", page("۲ روز پیش", "fa", after=COOKIE), "https://www.example.ir/news/1", DEC_2),
    ("en-prose-hours", page("5 hours ago", story=PROSE_EN + STORY), "https://news.example.com/politics/1",
     date(2026, 12, 4)),
    ("en-prose-days", page("2 days ago", story=PROSE_EN + STORY), "https://news.example.com/politics/2", DEC_2),
    ("de-prose", page("vor 2 Tagen", "de", story=PROSE_DE + STORY), "https://www.example.de/politik/2", DEC_2),
    ("es-prose", page("hace 5 horas", "es", story=PROSE_ES + STORY), "https://www.example.es/politica/2",
     date(2026, 12, 4)),
]


def stored_day(html: str, url: str) -> date | None:
    """The day a run stores for this page fetched at `FETCHED` from a feed item without a date."""
    from newsflow.articledates import article_dates
    from newsflow.extract import extract_article

    article = extract_article(html, url)
    return article_dates(article, None, None, FETCHED, url)[1] if article is not None else None


def probe_ages(pages: list[tuple[str, str, str, date | None]]) -> None:
    right = 0
    for name, html, url, day in pages:
        got = stored_day(html, url)
        right += got == day
        print("" if got == day else f"MISS {name}: {got} (want {day})")
    print(f"{right} of {len(pages)} right")


if __name__ == "__main__" and "ages" in sys.argv[1:]:
    sets = {"after": AGE_PAGES_AFTER, "left": AGE_PAGES_LEFT}
    probe_ages(next((sets[name] for name in sys.argv[1:] if name in sets), AGE_PAGES))
if __name__ == "__main__" and "relative" in sys.argv[1:]:
    probe_relative(RELATIVE_AFTER if "after" in sys.argv[1:] else RELATIVE)
