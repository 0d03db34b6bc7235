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


def test_an_embed_placeholder_and_the_outlets_app_are_dropped() -> None:
    """Twelfth pass: notices whose wording carries a name in the middle (the embed's site, the outlet's
    app), so no fixed phrase finds them."""
    notices = [
        "Klicken Sie auf den unteren Button, um den Inhalt von www.komoot.de zu laden.",
        "Klicken Sie hier, um die Inhalte von maps.example.org zu laden.",
        "Click the button below to load the content from Twitter.",
        "Mit dem Laden des Videos akzeptieren Sie die Datenschutzerklärung von YouTube.",
        "By loading the video, you agree to YouTube's privacy policy.",
        "For the latest stories and breaking news updates download the City News apps for iOS and Android.",
        "Download the free Daily Example app on the App Store or Google Play.",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *notices, LEAD])) == f"{PARAGRAPH}\n{LEAD}"


def test_story_lines_about_apps_or_loading_stay() -> None:
    lines = [
        "Users had to download the app before the new rules took effect, the ministry said.",
        "The workers spent the night loading the video equipment into two vans outside the stadium.",
        "Sie versuchten, den Inhalt des Tresors auf den Lastwagen zu laden, bevor die Polizei kam.",
        "Ministers say the tracing app for iPhone and Android phones worked well in the trial.",
    ]
    text = "\n".join([PARAGRAPH, *lines])
    assert drop_marked_lines(text) == text


def test_extraction_drops_an_embed_placeholder_inside_the_story() -> None:
    """A hand-written page: a map embed held back mid-story, and the outlet's app under the story."""
    from newsflow.extract import extract_article

    story = [
        "Die Route beginnt am Bahnhof und führt zunächst am Ufer entlang bis zur alten Brücke über den Fluss.",
        "Hinter der Brücke geht es links durch den Park, vorbei an Gärten und einem kleinen Café am Wasser.",
        "Am Ende der Strecke wartet ein Biergarten, der bei schönem Wetter bis spät in den Abend geöffnet hat.",
    ]
    placeholder = "Klicken Sie auf den unteren Button, um den Inhalt von maps.example.org zu laden."
    app = "Für die neuesten Nachrichten: download the City News apps for iOS and Android."
    page = (
        "<html><head><title>Radtour am Fluss</title></head><body><article><h1>Radtour am Fluss</h1>"
        f"<p>{story[0]}</p><p>{story[1]}</p><div class='embed'><p>{placeholder}</p></div>"
        f"<p>{story[2]}</p><p>{app}</p></article></body></html>"
    )
    article = extract_article(page, "https://news.example/radtour")
    assert article is not None
    assert article.text.split("\n") == story


def test_wordpress_sharing_buttons_run_into_a_line_are_cut_out() -> None:
    """Twelfth pass: where trafilatura falls back to the page's flat text, WordPress's sharing and
    like buttons sit inside a story line; the run from "Share this:" to "Loading…" goes, the rest stays."""
    lines = [
        "Der Beitrag endet hier. Bewerten: Teilen Sie dies mit: Twitter Facebook E-Mail Drucken Gefällt mir: Liken"
        " Lade … Veröffentlicht von Ann Example",
        "Fotostrecke Teilen mit: Facebook Google Gefällt mir: Gefällt mir Wird geladen... Related Posts",
        "The post ends here. Share this: Twitter Facebook Like this: Like Loading... Posted by Ann Example",
    ]
    assert drop_marked_lines("\n".join([PARAGRAPH, *lines])).split("\n") == [
        PARAGRAPH,
        "Der Beitrag endet hier. Veröffentlicht von Ann Example",
        "Fotostrecke Related Posts",
        "The post ends here. Posted by Ann Example",
    ]


def test_a_line_that_only_names_sharing_or_loading_stays() -> None:
    lines = [
        "Partager: the word the minister used for the new plan, without saying what loading it would mean.",
        "| --- | --- |",
        "***",
    ]
    text = "\n".join([PARAGRAPH, *lines])
    assert drop_marked_lines(text) == text


def test_story_lines_that_meet_a_notice_pattern_stay() -> None:
    """Review of the twelfth pass: these story lines were dropped as notices. A pattern counts only
    when it opens the line or the line is short; the German embed notice must name the click or the
    button; "to load the content" alone is a story's wording too."""
    lines = [
        "Americans can once again download the TikTok app from Apple's App Store and Google Play after the two"
        " companies restored it on Thursday, the firm said.",
        "Die Arbeiter brauchten drei Stunden, um den Inhalt des Lagers auf die Lastwagen zu laden, sagte ein"
        " Sprecher.",
        "Officials said the portal failed to load the content for most users during the first hour of sales.",
    ]
    text = "\n".join([PARAGRAPH, *lines])
    assert drop_marked_lines(text) == text


def test_a_quotation_that_says_share_and_loading_stays_whole() -> None:
    """Review of the twelfth pass: a sharing run names its buttons (two at least); a quotation that says
    "partager :" and "chargement…" without them keeps every word."""
    quote = (
        "« Nous voulons tout partager : les données, les cartes et les résultats, même les fichiers en"
        " chargement... », a dit le ministre."
    )
    text = "\n".join([PARAGRAPH, quote])
    assert drop_marked_lines(text) == text


def test_a_hostile_line_of_spaces_and_colons_is_read_once() -> None:
    """Review of the twelfth pass: the sharing run's leading whitespace was retried at every start, so
    100,000 spaces and a colon took minutes. A bounded input: the run must come back, unchanged."""
    hostile = " " * 200_000 + ":"
    assert drop_marked_lines(f"{PARAGRAPH}\nword{hostile}") == f"{PARAGRAPH}\nword{hostile}"
    shares = "Share this: " * 20_000
    assert drop_marked_lines(f"{PARAGRAPH}\n{shares}x").startswith(PARAGRAPH)
