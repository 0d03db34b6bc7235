# ruff: noqa: RUF001  (fullwidth punctuation and letters of other scripts are the pages' own)
"""The tenth pass's batch of hand-written class pages (docs/extraction.md, "Tenth date pass"): the
classes the ninth pass left, regions and CMSs still thin in the batches, and markup classes.

Every page is written from how its class prints dates, not copied from any site. Each entry is
(name, html, url, the publication day). Shared by tests/test_date_classes11.py and the probe
`python -m tests.date_batch11 probe` (which prints how many are right).
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch10 import COM, MARCH_4, ld, ldj, meta, pg
from tests.test_date_classes import STORY, page

FEB_17 = date(2026, 2, 17)

# --- 1. left by the ninth pass ------------------------------------------------------------------
YEARLESS_LEFT = [  # a day and month without a year, the page's only date (all 4 March)
    ("zh", "03-04 10:30"), ("zh", "发布时间：03-04 10:30"), ("zh-CN", "03-04 10:30 来源：本报"),
    ("vi", "Thứ tư, 4/3 10:30"), ("vi", "4/3 10:30 (GMT+7)"),
]
LEFT: list[tuple[str, str, str, date]] = [
    ("lv-gada", page("2026. gada 17. februāris", "lv"), "https://www.example.lv/a", FEB_17),
    ("lv-gada-locative", page("Publicēts: 2026. gada 17. februārī, 10:30", "lv"), "https://www.example.lv/a", FEB_17),
    ("lt-m-d", page("2026 m. vasario 17 d. 10:30", "lt"), "https://www.example.lt/a", FEB_17),
    ("lt-m-d-no-space", page("2026 m. vasario 17 d.", "lt"), "https://www.example.lt/a", FEB_17),
    # a plain `en` .com's slashed JSON-LD date, no locale meta: other dates in the page decide
    ("en-com-ld-modified-unambiguous",
     page(head=ld(datePublished="03/04/2026 10:30 AM", dateModified="03/13/2026 09:00 AM")), COM, MARCH_4),
    ("en-com-ld-modified-iso", page(head=ld(datePublished="03/04/2026") + meta("article:modified_time",
                                                                               "2026-03-04T16:00:00Z")),
     COM, MARCH_4),
    ("en-com-ld-url-month", page(head=ld(datePublished="03/04/2026")
                                 + '<link rel="canonical" href="https://www.example.com/2026/03/story">'),
     "https://www.example.com/2026/03/story", MARCH_4),
    ("en-com-ld-day-first-evidence", page(head=ld(datePublished="04/03/2026", dateModified="13/03/2026")),
     COM, MARCH_4),
]

# --- 2. regions and CMSs still thin in the batches ---------------------------------------------
WORLD: list[tuple[str, str, str, date]] = [
    # Central Asia
    ("kz-ru-dotted", page("04.03.2026, 10:30", "ru"), "https://www.example.kz/news/1", MARCH_4),
    ("kk-named", page("4 наурыз 2026, 10:30", "kk"), "https://www.example.kz/kk/1", MARCH_4),
    ("uz-latin-yil", page("2026-yil 4-mart, 10:30", "uz"), "https://www.example.uz/1", MARCH_4),
    ("uz-latin-dmy", page("04.03.2026 10:30", "uz"), "https://www.example.uz/2", MARCH_4),
    ("ky-cyrillic", page("4-март, 2026-жыл", "ky"), "https://www.example.kg/1", MARCH_4),
    ("tg-named", page("04 марти 2026", "tg"), "https://www.example.tj/1", MARCH_4),
    # Caucasus
    ("ka-named", page("4 მარტი, 2026", "ka"), "https://www.example.ge/1", MARCH_4),
    ("hy-genitive", page("Մարտի 4, 2026 10:30", "hy"), "https://www.example.am/1", MARCH_4),
    ("az-named", page("04 mart 2026 10:30", "az"), "https://www.example.az/1", MARCH_4),
    ("az-dotted", page("04.03.2026 | 10:30", "az"), "https://www.example.az/2", MARCH_4),
    # Balkans
    ("sr-cyrillic", page("4. март 2026. 10:30", "sr"), "https://www.example.rs/1", MARCH_4),
    ("bs-dotted-u", page("04.03.2026. u 10:30", "bs"), "https://www.example.ba/1", MARCH_4),
    ("mk-dotted", page("04.03.2026 10:30", "mk"), "https://www.example.mk/1", MARCH_4),
    ("sq-named", page("4 Mars 2026, 10:30", "sq"), "https://www.example.al/1", MARCH_4),
    ("sl-spaced", page("4. 3. 2026 ob 10.30", "sl"), "https://www.example.si/1", MARCH_4),
    ("hr-u", page("4. ožujka 2026. u 10:30", "hr"), "https://www.example.hr/1", MARCH_4),
    ("me-latin", page("Objavljeno: 04.03.2026. 10:30h", "sr-ME"), "https://www.example.me/1", MARCH_4),
    # Africa, French and Portuguese press
    ("fr-sn-weekday", page("Publié le mercredi 4 mars 2026 à 10:30", "fr"), "https://www.example.sn/1", MARCH_4),
    ("fr-cm-dash", page("04 mars 2026 - 10h30", "fr"), "https://www.example.cm/1", MARCH_4),
    ("fr-dz-update-first", page("Mis à jour le 06/03/2026 - Publié le 04/03/2026", "fr"),
     "https://www.example.dz/1", MARCH_4),
    ("fr-ma-le", page("Le 04/03/2026 à 10h30", "fr"), "https://www.example.ma/1", MARCH_4),
    ("pt-ao-de", page("04 de Março de 2026", "pt"), "https://www.example.co.ao/1", MARCH_4),
    ("pt-mz-publicado", page("Publicado em 04/03/2026 | 10:30", "pt"), "https://www.example.co.mz/1", MARCH_4),
    ("pt-cv-named", page("4 Março 2026", "pt"), "https://www.example.cv/1", MARCH_4),
    # South-East Asia's English press
    ("en-sg-short", page("Mar 4, 2026, 10:30 AM", "en"), "https://www.example.com.sg/1", MARCH_4),
    ("en-my-myt", page("Wednesday, 04 Mar 2026 10:30 AM MYT", "en"), "https://www.example.my/1", MARCH_4),
    ("en-ph-bar", page("March 4, 2026 | 10:30 AM", "en"), "https://www.example.ph/1", MARCH_4),
    ("en-th-at", page("4 Mar 2026 at 10:30", "en"), "https://www.example.co.th/1", MARCH_4),
    # Pakistan and Bangladesh English press
    ("en-pk-published", page("Published March 4, 2026", "en"), "https://www.example.com.pk/1", MARCH_4),
    ("en-pk-update-first", page("Updated 06 Mar, 2026 09:00am | Published 04 Mar, 2026 10:30am", "en"),
     "https://www.example.com.pk/2", MARCH_4),
    ("en-pk-dashed", page("04-03-2026", "en"), "https://www.example.pk/3", MARCH_4),
    ("en-bd-publish-dash", page("Publish- March 04, 2026 10:30 AM", "en"), "https://www.example.com.bd/1", MARCH_4),
    ("en-bd-update-first", page("Update : 06 Mar 2026, 09:00 | Published : 04 Mar 2026, 10:30", "en"),
     "https://www.example.com.bd/2", MARCH_4),
    # the Gulf's Arabic press, both calendars
    ("ar-both-calendars", page("الأربعاء 15 رمضان 1447 هـ - 4 مارس 2026 م", "ar"), "https://www.example.sa/1", MARCH_4),
    ("ar-numeric-both", page("1447/09/15 هـ الموافق 04/03/2026 م", "ar"), "https://www.example.sa/2", MARCH_4),
    ("ar-ae-named", page("4 مارس 2026 10:30", "ar"), "https://www.example.ae/1", MARCH_4),
    ("en-qa-dash", page("March 04, 2026 - 10:30 am", "en"), "https://www.example.com.qa/1", MARCH_4),
]

# --- markup classes -------------------------------------------------------------------------------
_RELATED_ASIDE = ('<aside class="related"><h3>Related</h3><ul>' + "".join(
    f'<li><a href="/r{n}">Another story {n}</a> <time datetime="2026-03-1{n}T08:00:00Z">1{n} March 2026</time></li>'
    for n in (0, 1)) + "</ul></aside>")
_IMAGE_ALT = ('<figure><img src="/p.jpg" alt="Protest on 12 January 2026 in the capital">'
              "</figure>")
MARKUP: list[tuple[str, str, str, date | None]] = [
    ("time-related-aside-before-own", pg('<time datetime="2026-03-04T10:30:00+01:00">4 March 2026</time>',
                                         before=_RELATED_ASIDE), COM, MARCH_4),
    ("time-related-aside-in-article", page('<time datetime="2026-03-04T10:30:00+01:00">4 March 2026</time>',
                                           story=_RELATED_ASIDE + STORY), COM, MARCH_4),
    ("time-related-aside-only", pg(before=_RELATED_ASIDE), COM, None),
    ("ld-modified-before-published", page(head=ld(datePublished="2026-03-04T10:30:00+01:00",
                                                  dateModified="2026-03-02T09:00:00+01:00")), COM, MARCH_4),
    ("ld-modified-before-published-byline", page("4 March 2026", head=ld(datePublished="2026-03-04T10:30:00+01:00",
                                                                          dateModified="2026-02-20T09:00:00Z")),
     COM, MARCH_4),
    ("title-only", page().replace("<title>Council approves", "<title>04.03.2026 - Council approves"), COM, MARCH_4),
    ("title-only-named", page().replace("<title>Council approves", "<title>March 4, 2026: Council approves"),
     COM, MARCH_4),
    ("image-alt-not-the-date", page("4 March 2026", story=_IMAGE_ALT + STORY), COM, MARCH_4),
    ("image-alt-only", page(story=_IMAGE_ALT + STORY), COM, None),
    ("image-alt-with-ld", page(head=ld(datePublished="2026-03-04T10:30:00+01:00"), story=_IMAGE_ALT + STORY),
     COM, MARCH_4),
    ("ld-utc-evening-jakarta", page(head=ld(datePublished="2026-03-03T20:30:00Z"), lang="id"),
     "https://www.example.co.id/1", MARCH_4),
    ("ld-graph-modified-first", page(head=ldj({"@graph": [
        {"@type": "WebPage", "dateModified": "2026-03-01T00:00:00Z"},
        {"@type": "NewsArticle", "dateModified": "2026-03-03T00:00:00Z", "datePublished": "2026-03-04T10:30:00Z"}]})),
     COM, MARCH_4),
]

# An update printed before the publication, in the languages of the regions above (written before
# the cues were added: 1 of 11 right on integ11, and on this pass's code before them)
UPDATE_FIRST: list[tuple[str, str, str, date | None]] = [
    ("lv-update-first", page("Atjaunots: 2026. gada 19. februārī | Publicēts: 2026. gada 17. februārī", "lv"),
     "https://www.example.lv/u", FEB_17),
    ("lv-publish-first", page("Publicēts: 17.02.2026. Atjaunots: 19.02.2026.", "lv"), "https://www.example.lv/u",
     FEB_17),
    ("lt-update-first", page("Atnaujinta 2026-02-19 09:00 | Paskelbta 2026-02-17 10:30", "lt"),
     "https://www.example.lt/u", FEB_17),
    ("et-update-first", page("Uuendatud 19.02.2026 09:00 | Avaldatud 17.02.2026 10:30", "et"),
     "https://www.example.ee/u", FEB_17),
    ("kk-update-first", page("Жаңартылды: 19.02.2026 | Жарияланды: 17.02.2026", "kk"), "https://www.example.kz/u",
     FEB_17),
    ("az-update-first", page("Yenilənib: 19.02.2026 | Dərc edilib: 17.02.2026", "az"), "https://www.example.az/u",
     FEB_17),
    ("ka-update-first", page("განახლდა: 19.02.2026 | გამოქვეყნდა: 17.02.2026", "ka"), "https://www.example.ge/u",
     FEB_17),
    ("hy-update-first", page("Թարմացվել է՝ 19.02.2026 | Հրապարակվել է՝ 17.02.2026", "hy"), "https://www.example.am/u",
     FEB_17),
    ("sq-update-first", page("Përditësuar: 19.02.2026 | Publikuar: 17.02.2026", "sq"), "https://www.example.al/u",
     FEB_17),
    ("mk-update-first", page("Ажурирано: 19.02.2026 | Објавено: 17.02.2026", "mk"), "https://www.example.mk/u",
     FEB_17),
    ("uz-update-first", page("Yangilandi: 19.02.2026 | E'lon qilindi: 17.02.2026", "uz"), "https://www.example.uz/u",
     FEB_17),
]

# A Hijri date printed in numbers with its era mark, the page's only date (written before the rule: 0 of 3)
HIJRI_NUMERIC: list[tuple[str, str, str, date | None]] = [
    ("ar-hijri-numeric-ymd", page("1447/09/15 هـ", "ar"), "https://www.example.sa/h", MARCH_4),
    ("ar-hijri-numeric-dmy", page("الأربعاء 15/09/1447هـ - 10:30", "ar"), "https://www.example.sa/h", MARCH_4),
    ("ar-hijri-numeric-dashed", page("15-09-1447 هـ", "ar"), "https://www.example.sa/h", MARCH_4),
]

PAGES = LEFT + WORLD + MARKUP + UPDATE_FIRST + HIJRI_NUMERIC

# Written after the rules above, not tuned on: the same classes on other days and in other forms
NOV_9 = date(2025, 11, 9)  # a Sunday
YEARLESS_AFTER = [  # all 9 November
    ("zh-TW", "11-09 08:15"), ("zh", "11-09 08:15 来源：新华社"), ("vi", "Chủ nhật, 9/11 08:15"),
    ("vi", "9/11, 08:15"), ("ja", "11-09 08:15 配信"), ("en-GB", "9/11 08:15"),
]
AFTER: list[tuple[str, str, str, date | None]] = [
    ("lv-nov", page("2025. gada 9. novembris", "lv"), "https://www.example.lv/b", NOV_9),
    ("lv-nov-locative-time", page("2025. gada 9. novembrī 08:15", "lv"), "https://www.example.lv/b", NOV_9),
    ("lt-nov", page("2025 m. lapkričio 9 d. 08:15", "lt"), "https://www.example.lt/b", NOV_9),
    ("et-nov", page("9. november 2025, 08:15", "et"), "https://www.example.ee/b", NOV_9),
    ("en-com-ld-modified-later-unambiguous",
     page(head=ld(datePublished="11/09/2025 8:15 AM", dateModified="11/21/2025 9:00 AM")), COM, NOV_9),
    ("en-com-ld-time-element", page(head=ld(datePublished="11/09/2025"), story=STORY +
                                    '<p>Posted <time datetime="2025-11-09">Sunday</time></p>'), COM, NOV_9),
    ("en-com-ld-day-first-modified", page(head=ld(datePublished="09/11/2025", dateModified="24/11/2025")),
     COM, NOV_9),
    ("tg-nov", page("9 ноябри 2025", "tg"), "https://www.example.tj/b", NOV_9),
    ("uz-cyrillic", page("9 ноябрь 2025, 08:15", "uz"), "https://www.example.uz/b", NOV_9),
    ("ka-nov", page("9 ნოემბერი 2025", "ka"), "https://www.example.ge/b", NOV_9),
    ("az-nov", page("09 noyabr 2025 08:15", "az"), "https://www.example.az/b", NOV_9),
    ("ro-md", page("09 noiembrie 2025, 08:15", "ro"), "https://www.example.md/b", NOV_9),
    ("bs-nov", page("Objavljeno: 09.11.2025. u 08:15", "bs"), "https://www.example.ba/b", NOV_9),
    ("sq-nen", page("9 Nëntor 2025", "sq"), "https://www.example.al/b", NOV_9),
    ("fr-ci-nov", page("Publié le dimanche 9 novembre 2025 à 08h15", "fr"), "https://www.example.ci/b", NOV_9),
    ("pt-ao-nov", page("09 de Novembro de 2025 | 08h15", "pt"), "https://www.example.co.ao/b", NOV_9),
    ("en-bd-nov", page("Published: 09 Nov 2025, 08:15 AM", "en"), "https://www.example.com.bd/b", NOV_9),
    ("en-pk-nov-dashed", page("09-11-2025", "en"), "https://www.example.com.pk/b", NOV_9),
    ("en-my-nov", page("Sunday, 09 Nov 2025 8:15 AM MYT", "en"), "https://www.example.my/b", NOV_9),
    ("ar-gulf-nov", page("الأحد 18 جمادى الأولى 1447 هـ - 9 نوفمبر 2025 م", "ar"), "https://www.example.ae/b", NOV_9),
    ("image-alt-nov", page("9 November 2025", story='<img src="/a.jpg" alt="Flooding, 2 October 2025">' + STORY),
     COM, NOV_9),
    ("image-title-only", page(story='<img src="/a.jpg" title="Archive photo, 2 October 2025">' + STORY), COM, None),
    ("ld-modified-before-published-nov", page(head=ld(datePublished="2025-11-09T08:15:00+00:00",
                                                      dateModified="2025-11-01T08:00:00+00:00")), COM, NOV_9),
]


def probe() -> None:
    from newsflow.extract import extract_article

    right = 0
    for name, html, url, day in PAGES:
        article = extract_article(html, url)
        got = article.published_date if article is not None else None
        right += got == day
        if got != day:
            print(f"MISS {name}: {got} (want {day})")
    month_days = 0
    for lang, byline in YEARLESS_LEFT:
        article = extract_article(page(byline, lang), COM)
        got = (article.published_date, article.published_month_day) if article is not None else None
        month_days += got == (None, (3, 4))
        if got != (None, (3, 4)):
            print(f"MISS yearless {lang} {byline}: {got}")
    print(f"{right} of {len(PAGES)} right; yearless {month_days} of {len(YEARLESS_LEFT)}")
    after = 0
    for name, html, url, day in AFTER:
        article = extract_article(html, url)
        got = article.published_date if article is not None else None
        after += got == day
        if got != day:
            print(f"MISS after {name}: {got} (want {day})")
    after_month_days = 0
    for lang, byline in YEARLESS_AFTER:
        article = extract_article(page(byline, lang), COM)
        got = (article.published_date, article.published_month_day) if article is not None else None
        after_month_days += got == (None, (11, 9))
        if got != (None, (11, 9)):
            print(f"MISS yearless after {lang} {byline}: {got}")
    print(f"after the rules: {after} of {len(AFTER)} right; yearless {after_month_days} of {len(YEARLESS_AFTER)}")


if __name__ == "__main__" and "probe" in sys.argv[1:]:
    probe()
