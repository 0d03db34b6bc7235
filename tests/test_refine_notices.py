"""Fifth-pass notices, links out and video cards in `refine.drop_marked_lines`, and page controls in
`furniture.is_label` (docs/extraction.md, "Fifth pass, text")."""

from __future__ import annotations

from newsflow.furniture import drop_furniture_lines, is_label
from newsflow.refine import drop_marked_lines

PARAGRAPH = "The council met on Tuesday and approved the budget for schools, roads and the new library downtown."
LEAD = "A long night of debate ends with a budget that pleases almost nobody in the city hall."


def test_a_video_teaser_that_ends_with_its_length_is_dropped() -> None:
    cards = [
        "Nach dem Angriff wurden auf dem Gipfel in Brüssel schärfere Sanktionen beschlossen. 18.04.2024 | 0:21 min",
        "The mayor explains the new parking fees to residents of the east side | 12:05 min",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *cards, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_a_story_line_that_gives_a_time_or_minutes_stays() -> None:
    lines = [
        "The vote was taken at 10:30 and the meeting ended an hour later.",
        "The record was broken by 2:15 min in the final lap.",  # minutes in the story, not at its end
        "Er lief die Strecke in 2:05 min.",  # a time at the end of a sentence, with no bar before it
    ]
    text = "\n".join([PARAGRAPH, *lines])
    assert drop_marked_lines(text) == text


def test_breaking_story_and_affiliate_notices_are_dropped() -> None:
    notices = [
        "This is a breaking news story - more to follow",
        "This is a developing story and will be updated.",
        "Die mit einem Symbol gekennzeichneten Links sind Affiliate-Links.",
        "We may earn a commission when you buy through links on our site.",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *notices, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_the_box_for_reporting_a_mistake_is_dropped() -> None:
    boxes = [
        "Bitte markieren Sie die Wörter im Text. Mit nur zwei Klicks melden Sie den Fehler der Redaktion.",
        "Spotted an error in this story? Let us know.",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *boxes, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_lines_that_send_the_reader_elsewhere_are_dropped() -> None:
    links = ["Click here to read the unsealed search warrant.", "Lesen Sie hier: Spielabbruch in der Kreisliga"]
    assert drop_marked_lines("\n".join([PARAGRAPH, *links, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_the_pages_controls_are_furniture() -> None:
    for label in ("Comments", "Kommentare", "Hauptinhalt", "Skip to main content", "Share this article"):
        assert is_label(label), label
    text = "\n".join(["Hauptinhalt", PARAGRAPH, LEAD, "Comments"])
    assert drop_furniture_lines(text, None) == f"{PARAGRAPH}\n{LEAD}"


def test_a_line_about_comments_is_not_a_control() -> None:
    assert not is_label("Comments from readers poured in overnight")


def test_japanese_members_only_notices_are_dropped() -> None:
    notices = [
        "この記事は会員限定です。",
        "紙の新聞の定期購読者の方は、無料で会員登録できます。",
        "有料会員になると続きを読めます。",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *notices, LEAD])) == f"{PARAGRAPH}\n{LEAD}"
