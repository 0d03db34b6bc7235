"""Ninth-pass prompts, links out and controls: "VEA TAMBIÉN: …", "Subscribe now …", a reprint notice,
"Teilen mit:", "Wird geladen …", "Bild anzeigen" (`refine.drop_marked_lines`, `furniture.is_label`;
docs/extraction.md, "Ninth pass, text")."""

from __future__ import annotations

from pathlib import Path

from newsflow.extract import extract_article
from newsflow.extract import page_tree as load_html
from newsflow.furniture import drop_furniture_lines, is_label
from newsflow.refine import drop_marked_lines, drop_related_tail
from newsflow.text import normalize_text

FIXTURE = Path(__file__).parent / "fixtures" / "pages" / "story-with-prompts-and-controls.html"
PARAGRAPH = "The council met on Tuesday and approved the budget for schools, roads and the new library downtown."
LEAD = "A long night of debate ends with a budget that pleases almost nobody in the city hall."


def test_links_to_other_stories_in_more_languages_are_dropped() -> None:
    links = [
        "Lea más: El Gobierno propone una nueva ley de alquileres",
        "VEA TAMBIÉN: El canal registra un récord de tránsitos en marzo",
        "Mira también: Los mejores goles de la jornada",
        "Das Thema könnte dich auch interessieren: Wandern im Allgäu",
        "Lees ook: Kabinet wil meer huizen bouwen",
        "Läs också: Regeringen sänker skatten",
        "Related coverage: How the budget was written",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *links, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_subscription_channel_and_reprint_notices_are_dropped() -> None:
    notices = [
        "Subscribe now to our print edition for the full story.",
        "¡Mira lo que tiene nuestro canal de YouTube!",
        "© 2026 Example Herald. All rights reserved. This material may not be published, broadcast, rewritten or "
        "redistributed.",
        "This article is the copyrighted property of the Example Herald.",
        "Want more recipes? Subscribe to our newsletter and follow us for the latest updates.",
        "Abonnieren Sie jetzt den Themen-Newsletter «Wohnen».",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *notices, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_story_lines_that_start_or_speak_alike_stay() -> None:
    lines = [
        "Lea Müller, the council's treasurer, said the vote was close.",  # a name, not "Lea más"
        "Subscribers to the city's water service will pay more from May.",
        "Verlage dürfen laut dem Urteil Fotos nur mit Zustimmung drucken, und das Gericht nannte keine Frist dafür.",
    ]
    text = "\n".join([PARAGRAPH, *lines])
    assert drop_marked_lines(text) == text


def test_sharing_rating_and_image_controls_are_furniture() -> None:
    for label in ("Teilen mit:", "Wird geladen …", "Loading...", "Share this:", "Like this:", "Bewerten:",
                  "Bild anzeigen", "Compartir", "Print"):
        assert is_label(label), label
    text = "\n".join(["Bild anzeigen", PARAGRAPH, LEAD, "Teilen mit:", "Wird geladen …"])
    assert drop_furniture_lines(text, None) == f"{PARAGRAPH}\n{LEAD}"


def test_a_line_that_starts_like_a_control_is_kept() -> None:
    for line in ("Loading the ferry took three hours", "Print editions sold out by noon", "Share prices fell"):
        assert not is_label(line), line


def test_the_fixture_page_keeps_its_story_without_prompts_or_controls() -> None:
    article = extract_article(FIXTURE.read_text(encoding="utf-8"), "https://example.test/puerto")
    assert article is not None
    lines = article.text.split("\n")
    assert len(lines) == 4
    assert lines[0].startswith("La autoridad portuaria aprobó")
    assert lines[-1].startswith("Los sindicatos pidieron")
    for prompt in ("VEA TAMBIÉN", "Subscribe now", "YouTube", "All rights reserved", "Compartir", "Teilen", "Bild"):
        assert prompt not in article.text, prompt
    assert article.text == normalize_text(article.text)


def test_caption_labels_photo_credits_and_calls_to_the_reader_are_dropped() -> None:
    lines = [
        "Image caption, The east pier seen from the lighthouse",
        "Media caption, The mayor speaks to reporters",
        "The east pier at dawn. (John Smith/Getty Images)",
        "Fans at the stadium in Leeds. (AP Photo/Jon Super)",
        "Listen to this article",
        "Got a news tip? Email us at tips@example.test",
        "Have your say in our comments section below.",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *lines, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_a_story_line_naming_getty_images_stays() -> None:
    line = "Getty Images, the photo agency, said on Monday that it would cut 200 jobs in its London office."
    assert drop_marked_lines(f"{PARAGRAPH}\n{line}") == f"{PARAGRAPH}\n{line}"


def test_an_english_fixture_page_keeps_its_story_without_captions_or_calls() -> None:
    page = FIXTURE.with_name("story-with-captions-and-calls.html")
    article = extract_article(page.read_text(encoding="utf-8"), "https://example.test/ferry")
    assert article is not None
    lines = article.text.split("\n")
    assert len(lines) == 5
    assert lines[0].startswith("The harbour board approved")
    assert lines[-1].startswith("The board said it would fund")


def test_sponsored_disclosures_are_dropped() -> None:
    lines = ["*Werbung. Dieser Beitrag enthält Werbung für eine Kaffeemarke.", "This post is sponsored by a bank.",
             "- Advertisement 1Story continues below"]  # an ad slot's label run into its neighbour
    assert drop_marked_lines("\n".join([PARAGRAPH, *lines, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_the_storys_taxonomy_is_furniture_and_a_prize_category_is_not() -> None:
    taxonomy = ("Topics: Ferries, Harbour", "Filed under: Politics", "Tags:Uncategorized", "Schlagworte: Wahl, Bayern")
    for line in taxonomy:
        assert is_label(line), line
    for line in ("Category: Best children's film", "Kategorie: Kinder- & Jugendbuch", "Topics discussed included rent"):
        assert not is_label(line), line


def test_other_stories_under_a_heading_in_more_languages_are_dropped() -> None:
    story = [PARAGRAPH, LEAD, "The library will open in two years, the mayor said, if the builders keep to the plan."]
    teasers = ["Flooding closes the coast road again", "The harbour ferry will run all winter for the first time"]
    links = "".join(f"<a href='/{index}'>{teaser}</a>" for index, teaser in enumerate(teasers))
    tree = load_html(f"<html><body><article>{''.join(f'<p>{line}</p>' for line in story)}</article>"
                     f"<aside>{links}</aside></body></html>")
    for heading in ("Empfohlene Beiträge", "Noticias relacionadas", "Articoli correlati", "Related posts"):
        text = "\n".join([*story, heading, *teasers])
        assert drop_related_tail(text, tree) == "\n".join(story), heading
