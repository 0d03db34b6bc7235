"""Page furniture dropped from the text: bylines, datelines, credits, labels (newsflow.furniture)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from newsflow.extract import extract_article
from newsflow.furniture import author_names, drop_furniture_lines, is_dated_line, is_furniture
from newsflow.text import normalize_text

FIXTURE = Path(__file__).parent / "fixtures" / "pages" / "furniture-lines-in-article.html"
STORY = "Hunderte Feuerwehrleute haben am Montag in Essen gegen die Pläne der Landesregierung protestiert."


def author(name: str) -> tuple[frozenset[str], ...]:
    return author_names(name)


def test_datelines_are_furniture() -> None:
    for line in (
        "Stand: 22.04.2024, 06:00 Uhr",
        "17:41 JST, October 13, 2024",
        "30. Januar 2024",
        "20 Nisan 2026•Güncelleme: 20 Nisan 2026",
        "Uppdaterad 15.59 | Publicerad 14.14",
        "1:39 PM ET",
        "2025年1月14日 01時28分 (1月14日 01時40分更新)",
        "2024年4月15日 10時05分",
        "Updated 12:30 PM EST, Tue March 3, 2026",  # a labelled dateline (ninth pass)
        "Posted: Thursday, April 21, 2022. 10:11 pm CST.",
        "Last updated: 13 July 2020",
    ):
        assert is_furniture(line), line


def test_a_japanese_sentence_with_a_date_is_kept() -> None:
    for line in ("2025年1月14日に宮崎県で震度5弱の地震があった。", "13日午後9時19分ごろ、宮崎県で地震があった。"):
        assert not is_furniture(line), line


def test_a_races_results_are_no_datelines() -> None:
    results = ("1. Dorothea Wierer (ITA) 35.58,7 (2)", "10. Julia Simon (FRA) +1.03,4 (3)", "3. Jane Roe (USA) 1:03.4")
    for line in results:
        assert not is_furniture(line), line


def test_short_lines_with_a_year_that_say_something_are_kept() -> None:
    for line in (
        "Kehrtwende 2024?",
        "David Moyes (2013-2014): 295 dager",
        "In 2019, 45 percent voted.",
        "- 2019: 45 %",
        "| 2002 | Vladimír Špidla | 30 |",
    ):
        assert not is_furniture(line), line


def test_credits_and_copyright_lines_are_furniture() -> None:
    for line in (
        "Foto: Дмитрий Азаров, Коммерсантъ",
        "Фото: Дмитрий Азаров, Коммерсантъ",
        "Image: eThekwini Municipality / Facebook",
        "(Quelle: APA/sda/dpa)",
        "Quelle: AFP",
        "Copyright @ 2026 Media Group. All Rights Reserved",
    ):
        assert is_furniture(line), line


def test_a_sentence_that_starts_like_a_credit_is_kept() -> None:
    assert not is_furniture("Photographs of the flood show the river two metres above its banks in the old town.")
    assert not is_furniture("Source of the leak was a pipe under the school, the fire brigade said on Monday.")


def test_the_author_again_is_a_byline() -> None:
    assert is_furniture("Von Nina Magoley", author("Nina Magoley"))
    assert is_furniture("Fatma Sevinç Çetin", author("Fatma Sevinç Çetin"))
    assert is_furniture("2/26/2015 7:11 AM PST BY TMZ STAFF", author("TMZ Staff"))
    assert is_furniture("Von Nina Magoley", author("Nina Magoley; WDR"))  # one of several authors
    assert is_furniture("Anna Berg, Jan Holm", author("Anna Berg; Jan Holm; Eva Lind"))


def test_a_line_naming_the_author_among_other_words_is_kept() -> None:
    assert not is_furniture("Nina Magoley spoke to the firefighters", author("Nina Magoley"))
    assert not is_furniture("Von Nina", author("Nina Magoley"))  # not the whole name
    assert not is_furniture("Von Nina Magoley", ())  # the page names no author


def test_ad_labels_and_reading_times_are_furniture() -> None:
    for line in (
        "Advertisement",
        "Anzeige",
        "Reklama",
        "Story continues below",
        "Lesedauer: 4 Minuten",
        "Ten tekst przeczytasz w mniej niż minutę",
        "5 min read",
    ):
        assert is_furniture(line), line
    assert not is_furniture("Advertisement spending rose by a third in the first quarter of the year.")


def test_an_ad_label_in_more_languages_is_furniture() -> None:
    """Session 31 (seed 52 of the combined text rules): Dutch's "Advertentie" was stored as a story line."""
    for line in ("Advertentie", "ADVERTENTIE", "Reclame", "Reklam", "Реклама", "Inzerce", "Hirdetés",
                 "Publicitate", "Διαφήμιση"):
        assert is_furniture(line), line
    assert not is_furniture("Reclame op de snelweg wordt vanaf volgend jaar verboden, zegt de minister.")


def test_long_lines_are_never_furniture() -> None:
    assert not is_furniture("Foto: " + " ".join(["word"] * 12))


def test_the_fixture_page_loses_its_furniture_and_keeps_its_story() -> None:
    article = extract_article(FIXTURE.read_text(encoding="utf-8"), "https://example.test/feuerwehr")
    assert article is not None
    lines = article.text.split("\n")
    for furniture in (
        "Von Nina Beispiel",
        "Stand: 22.04.2024, 06:00 Uhr",
        "Lesedauer: 4 Minuten",
        "Foto: Max Muster/dpa",
        "Anzeige",
    ):
        assert furniture not in lines
    assert "Kehrtwende 2024?" in lines
    assert any(line.startswith("Hunderte Feuerwehrleute") for line in lines)
    assert any("2019: Zusage der Landesregierung" in line for line in lines)
    assert article.text == normalize_text(article.text)


@given(
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=8),
    st.one_of(st.none(), st.text(max_size=20)),
)
def test_dropping_furniture_only_removes_whole_lines(lines: list[str], author_name: str | None) -> None:
    text = normalize_text("\n".join(lines))
    kept = drop_furniture_lines(text, author_name)
    assert kept == "" or all(line in text.split("\n") for line in kept.split("\n"))
    assert drop_furniture_lines(kept, author_name) == kept


def test_a_dateline_with_its_outlet_place_or_byline_is_a_dated_line() -> None:
    for line in (
        "Le Monde | 04.05.2015 à 13h36 • Mis à jour le 04.05.2015 à 15h21 | Par Jean Dupont",
        "By Jane Doe | March 3, 2024, 2:15 PM EST | Updated March 3, 2024, 4:40 PM EST",
        "PARIS \u2013 12.03.2024, 14:05 Uhr",
        "2025年1月14日 01時28分 (1月14日 01時40分更新)",
    ):
        assert is_dated_line(line), line


def test_a_sentence_with_a_date_or_a_place_is_no_dated_line() -> None:
    for line in (
        "PARIS, 12 mars 2024 (AFP) - Le gouvernement a annoncé mardi une série de mesures pour les agriculteurs.",
        "Der Riesling feiert am 13. März 2022 ihren 587sten Geburtstag, erstmals erwähnt im Jahr 1435.",
        "Anfang 2023 will Accurec den Standort Krefeld um eine Anlage für Lithium erweitern.",
    ):
        assert not is_dated_line(line), line
