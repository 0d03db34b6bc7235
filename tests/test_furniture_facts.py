"""A labelled line with a date is a dateline only when its label names the page's own stamp
(`newsflow.furniture.STAMP_LABELS`, fourteenth pass): other labels state facts of the story."""

from __future__ import annotations

from newsflow.extract import extract_article
from newsflow.furniture import drop_furniture_lines, is_dated_line, is_furniture

FACTS = (
    "Einsendeschluss: 03.11.2019 (Poststempel)",
    "Einsendeschluss: 12.3.2026",
    "Aktionszeitraum: 21.10.2019 – 27.10.2019",  # noqa: RUF001 (the page's dash)
    "Länge: 3:28:15",
    "Mo bis Fr: 9:00 – 16:00 Uhr",  # noqa: RUF001
    "Hora: 14:00",
    "1946. Attendance: 30,500.",
    "Schlafzimmer: 4 / Bäder: 4.00",
)


def test_a_line_stating_a_dated_fact_under_its_own_label_is_kept() -> None:
    for line in FACTS:
        assert not is_furniture(line), line
        assert not is_dated_line(line), line


STAMPS = (
    "Stand: 22.04.2024, 06:00 Uhr",
    "Posted: Thursday, April 21, 2022. 10:11 pm CST.",
    "Last updated: 13 July 2020",
    "zuletzt bearbeitet: 04.02.2022, 08:27 Uhr",
    "Créé: 12.12.2019, 07h36",
    "Mis à jour : 30 avril 2015 à 07:38",
    "Veröffentlicht: 12.03.2026, 09:15 Uhr",
    "20 Nisan 2026•Güncelleme: 20 Nisan 2026",
    "17:41 JST, October 13, 2024",
    "Updated 12:30 PM EST, Tue March 3, 2026",
)


def test_among_dated_lines_only_the_page_s_stamps_leave_the_text() -> None:
    lines = [line for pair in zip(STAMPS, (*FACTS, *FACTS), strict=False) for line in pair]
    assert drop_furniture_lines("\n".join(lines), None) == "\n".join(line for line in lines if line not in STAMPS)


def test_extract_article_keeps_a_competition_s_closing_date() -> None:
    story = (
        "Wer mitmachen will, schickt eine Postkarte mit dem Lösungswort an die Redaktion in der Hafenstraße, "
        "unter allen richtigen Einsendungen verlosen wir drei Gutscheine für das Museum am Fluss."
    )
    more = (
        "Das Museum zeigt in diesem Frühjahr eine Ausstellung über die Geschichte der Flussschifffahrt, "
        "mit Modellen, Karten und Fotografien aus zwei Jahrhunderten und einem Raum für Kinder."
    )
    html = (
        "<html><head><title>Gewinnspiel: Drei Gutscheine für das Museum</title></head><body>"
        "<article><h1>Gewinnspiel: Drei Gutscheine für das Museum</h1><p>Stand: 12.03.2026, 09:15 Uhr</p>"
        f"<p>{story}</p><p>Einsendeschluss: 12.3.2026</p><p>{more}</p></article></body></html>"
    )
    article = extract_article(html, "https://hafenblatt.example/gewinnspiel-museum")
    assert article is not None
    assert article.text == "\n".join((story, "Einsendeschluss: 12.3.2026", more))
