"""A second set of hand-written pages for the twenty-eighth text pass's fixes (docs/extraction.md, "Twenty-eighth
pass, text"), written after the rules (not before: said so in the docs) and run once: split stories whose templates
differ from the grammar's (other class names, `<section>` containers, a numbered list, a quote with a footer)."""

from __future__ import annotations

from newsflow.extract import extract_article

URL = "https://www.example.net/2026/11/hafen-erweiterung"
FIRST = [
    "Der Hafen der Stadt soll bis zum Jahr 2030 um zwei Liegeplätze wachsen, hat der Aufsichtsrat am Montagabend "
    "nach einer langen Sitzung beschlossen.",
    "Die Kosten schätzt die Hafengesellschaft auf rund 84 Millionen Euro, von denen das Land etwa die Hälfte "
    "übernehmen will.",
    "Umweltverbände kündigten an, die Pläne genau zu prüfen, weil für die Erweiterung ein Teil des Watts "
    "aufgeschüttet werden müsste.",
]
REST = [
    "Im Rathaus wird nun mit einer Klage gerechnet, die das Verfahren um mindestens ein Jahr verzögern könnte.",
    "Der Bürgermeister sagte, er halte den Zeitplan trotzdem für realistisch.",
    "Die Bauarbeiten sollen im Frühjahr beginnen, sobald die Genehmigung vorliegt.",
]
ITEMS = ["Zwei neue Liegeplätze für Containerschiffe", "Eine Landstromanlage für Kreuzfahrtschiffe",
         "Ein Radweg entlang der neuen Kaimauer"]


def _page(rest: str) -> str:
    first = "".join(f"<p>{text}</p>" for text in FIRST)
    return ('<html lang="de"><head><title>Hafen soll wachsen</title></head><body><main><h1>Hafen soll wachsen</h1>'
            f'<section class="c-article-text">{first}</section><aside class="c-teaser"><a href="/abo">Jetzt '
            f'abonnieren</a></aside><section class="c-article-text c-article-text--more">{rest}</section>'
            "</main></body></html>")


def test_a_numbered_list_in_the_rest_of_a_split_german_story_comes_back_in_place() -> None:
    rest = (f"<p>{REST[0]}</p><ol>" + "".join(f"<li>{item}</li>" for item in ITEMS) + f"</ol><p>{REST[1]}</p>"
            f"<p>{REST[2]}</p>")
    article = extract_article(_page(rest), URL)
    assert article is not None
    lines = article.text.split("\n")
    expected = [*FIRST, REST[0], *(f"- {item}" for item in ITEMS), REST[1], REST[2]]
    assert [line for line in lines if line in expected] == expected


def test_a_quote_with_two_paragraphs_in_the_rest_is_stored_once() -> None:
    quote = ["Wir brauchen diesen Hafen, sonst verlieren wir die Reedereien an die Nachbarstädte.",
             "Jeder Monat Verzögerung kostet uns Aufträge."]
    rest = (f"<p>{REST[0]}</p><blockquote>" + "".join(f"<p>{text}</p>" for text in quote)
            + f"</blockquote><p>{REST[1]}</p><p>{REST[2]}</p>")
    article = extract_article(_page(rest), URL)
    assert article is not None
    assert all(article.text.count(text) == 1 for text in [*quote, *REST])


def test_a_lone_continue_link_in_dutch_goes_and_the_story_stays() -> None:
    rest = f"<p>{REST[0]}</p><p><a href='/2026/11/hafen-erweiterung?p=2'>Lees verder »</a></p><p>{REST[1]}</p>"
    article = extract_article(_page(rest + f"<p>{REST[2]}</p>"), URL)
    assert article is not None and "Lees verder" not in article.text
    assert all(text in article.text.split("\n") for text in FIRST)
