# ruff: noqa: RUF001  (fullwidth punctuation and angle quotes are the pages' own)
"""What is stored before the story's first words (twenty-ninth text pass).

A blind check on Mercury's fixtures (docs/extraction.md, "Twenty-ninth pass, text") found page furniture kept
above the story: a stamp's or a byline's label whose value the page set apart ("Published" over a `<time>`,
"by" over the author's own element), a breadcrumb trail, a notice that the article is old, a sponsored-link
label in Japanese, and a long CJK headline repeated as the first line. Hand-written pages, written before the
rules; the guards are look-alikes that are the story's own and must stay.
"""

from __future__ import annotations

from html import escape

from newsflow.extract import extract_article

URL = "https://news.example/2024/05/story"

EN = [
    "The harbour board voted on Monday to close the old ferry pier for two years of repairs, after engineers "
    "found cracks in twelve of its concrete piles during a survey in March.",
    "Ferries will dock at the cargo terminal in the meantime, the board said in a statement on its website.",
    "Commuters who use the morning boats should expect delays of up to fifteen minutes at first, while a new "
    "walkway from the terminal to the bus station is built over the summer months.",
]
DE = [
    "Die Stadtwerke erhöhen zum ersten Juli die Preise für Fernwärme um durchschnittlich acht Prozent, wie das "
    "Unternehmen am Montag in einer Mitteilung an seine Kunden bekannt gab.",
    "Grund seien die gestiegenen Kosten für Gas und für den Ausbau des Netzes, teilte ein Sprecher mit.",
    "Der Mieterverein kritisierte die Erhöhung und forderte eine Härtefallregelung für Haushalte mit wenig Geld.",
]
FR = [
    "Le conseil municipal a voté lundi la fermeture du vieux pont de la gare pendant deux ans de travaux, après "
    "la découverte de fissures dans six de ses piliers lors d'une inspection au mois de mars.",
    "Les bus seront déviés par le boulevard du Nord pendant toute la durée du chantier, a précisé la mairie.",
    "Les commerçants du quartier demandent une aide de la ville pour compenser la baisse de fréquentation.",
]
ES = [
    "El ayuntamiento aprobó el lunes el cierre del viejo mercado central durante dos años de obras, después de que "
    "los técnicos encontraran grietas en varias de sus columnas durante una inspección en marzo.",
    "Los puestos se trasladarán a una carpa en la plaza mayor mientras duren los trabajos, informó el consistorio.",
    "Los vendedores piden ayudas para cubrir los gastos de la mudanza y la pérdida de clientes durante el verano.",
]
JA = [
    "市の港湾局は月曜日、老朽化したフェリー桟橋を二年間の改修工事のため閉鎖すると発表した。三月の調査で十二本のコンクリート杭にひび割れが見つかったという。",
    "工事の間、フェリーは貨物ターミナルに発着する。朝の便を利用する通勤客には当初、最大十五分の遅れが見込まれる。",
    "改修費用は約十一億円で、大半は国の補助金でまかなわれる予定だ。",
    "港湾局によると、新しい桟橋の設計は来年春までにまとめ、地元の漁業関係者や住民への説明会も開く方針だという。",
    "利用者からは、工事期間中の案内表示をわかりやすくしてほしいとの声が上がっており、市は駅や船内での掲示を増やすとしている。",
]


def page(title: str, above: str, paragraphs: list[str], lang: str = "en", author: str = "") -> str:
    """A story page: `above` (raw HTML) sits in the story's container between the headline and the story."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    meta = f"<meta name='author' content='{escape(author, quote=True)}'>" if author else ""
    return (f"<html lang='{lang}'><head><meta charset='utf-8'><title>{escape(title)}</title>{meta}</head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{escape(title)}</h1>{above}{body}</article>"
            f"<footer><p>Copyright 2024 Example Media</p></footer></body></html>")


def stored_lines(html: str) -> list[str]:
    article = extract_article(html, URL)
    assert article is not None
    return article.text.split("\n")


def assert_starts_with_story(html: str, paragraphs: list[str]) -> None:
    lines = stored_lines(html)
    assert lines[0] == paragraphs[0], lines[:3]
    assert lines[: len(paragraphs)] == paragraphs


# A stamp's or a byline's label alone: its value (a <time>, the author's element) was set apart.


def test_a_published_label_over_a_time_element_is_not_stored() -> None:
    above = ("<p><span>Published&#xA0;<time datetime='2024-05-06T21:00:51+00:00'>22:00,&#xA0;06/05/2024"
             "</time></span></p>")
    assert_starts_with_story(page("Ferry pier to close for two years", above, EN), EN)


def test_a_by_over_the_authors_own_element_is_not_stored() -> None:
    above = ("<address class='byline'> by <div class='author'>Jeremy Carter <div class='author-modal'>"
             "<a href='/authors/jeremy-carter' rel='author'>More stories by Jeremy Carter</a></div></div></address>")
    html = page("Ferry pier to close for two years", above, EN, author="Jeremy Carter")
    assert_starts_with_story(html, EN)


def test_a_von_over_the_authors_own_element_is_not_stored() -> None:
    above = "<div class='meta'>Von <div class='autor'><a href='/autoren/anna-berg'>Anna Berg</a></div></div>"
    html = page("Fernwärme wird teurer", above, DE, lang="de", author="Anna Berg")
    assert_starts_with_story(html, DE)


def test_a_french_stamp_label_over_a_time_element_is_not_stored() -> None:
    above = "<p class='date'>Publié le <time datetime='2024-05-06T08:00:00+02:00'>06/05/2024 08:00</time></p>"
    assert_starts_with_story(page("Le pont de la gare fermé deux ans", above, FR, lang="fr"), FR)


def test_a_sentence_that_opens_with_a_label_word_stays() -> None:
    story = ["Published in 1851, the novel sold fewer than four thousand copies in its author's lifetime.", *EN]
    assert stored_lines(page("Ferry pier to close for two years", "", story))[:2] == story[:2]


def test_a_subhead_by_the_numbers_stays() -> None:
    story = [EN[0], EN[1], "By the numbers", EN[2]]
    html = page("Ferry pier to close for two years", "", EN[:2]).replace(
        f"<p>{escape(EN[1])}</p>", f"<p>{escape(EN[1])}</p><h2>By the numbers</h2><p>{escape(EN[2])}</p>")
    assert stored_lines(html)[:4] == story


# A breadcrumb trail in the story's container, above the story.


def test_a_japanese_breadcrumb_above_the_story_is_not_stored() -> None:
    above = ("<p id='pankuzu'><a href='../../'>HOME</a>\u3000＞\u3000<a href='/seminar'>イベント・セミナー情報</a>"
             "\u3000＞\u3000港湾</p>")
    assert_starts_with_story(page("フェリー桟橋を二年間閉鎖へ", above, JA, lang="ja"), JA)


def test_an_english_breadcrumb_with_angle_quotes_is_not_stored() -> None:
    above = "<div class='trail'><a href='/'>Home</a> › <a href='/news'>News</a> › <a href='/news/local'>Local</a></div>"
    assert_starts_with_story(page("Ferry pier to close for two years", above, EN), EN)


def test_a_german_breadcrumb_with_guillemets_is_not_stored() -> None:
    above = "<p><a href='/'>Startseite</a> » <a href='/region'>Region</a> » <a href='/region/stadt'>Stadt</a></p>"
    assert_starts_with_story(page("Fernwärme wird teurer", above, DE, lang="de"), DE)


def test_a_first_line_that_compares_with_arrows_stays() -> None:
    story = ["Rents > wages > savings: the survey's three lines tell the story of the decade in this city, "
             "where rents rose by forty per cent while wages rose by twelve.", *EN]
    assert stored_lines(page("Ferry pier to close for two years", "", story))[:2] == story[:2]


def test_a_menu_path_written_out_as_a_first_line_stays() -> None:
    story = ["Settings › Privacy › Location Services", *EN]
    assert stored_lines(page("Ferry pier to close for two years", "", story))[:2] == story[:2]


def test_a_german_quote_in_guillemets_stays() -> None:
    story = ["»Wir sind froh« » so beginnt der Brief « der Stadtwerke » an ihre Kunden", *DE]
    lines = stored_lines(page("Fernwärme wird teurer", "", story, lang="de"))
    assert lines[0] == story[0]


def test_a_first_line_of_arrows_stays() -> None:
    for first in ("Input -> parse -> check -> store", "Input => parse => store"):
        story = [first, *EN]
        assert stored_lines(page("Ferry pier to close for two years", "", story))[:2] == story[:2], first


# A notice that the article is old.


def test_a_french_notice_that_the_article_is_old_is_not_stored() -> None:
    above = ("<p class='note'>Prenez note que cet article publié en 2017 pourrait contenir des informations qui ne "
             "sont plus à jour.</p>")
    assert_starts_with_story(page("Le pont de la gare fermé deux ans", above, FR, lang="fr"), FR)


def test_an_english_notice_that_the_article_is_years_old_is_not_stored() -> None:
    above = "<p>This article is more than 5 years old.</p>"
    assert_starts_with_story(page("Ferry pier to close for two years", above, EN), EN)


def test_a_german_notice_that_the_article_is_old_is_not_stored() -> None:
    above = "<p>Dieser Artikel ist älter als ein Jahr.</p>"
    assert_starts_with_story(page("Fernwärme wird teurer", above, DE, lang="de"), DE)


def test_a_sentence_about_an_old_article_stays() -> None:
    for first in ("The article is more than a review: it is the first account of the harbour's history since the "
                  "board was founded two hundred years ago.",
                  "This story is more than 20 years old: in 2003, a young reporter found the pier's first cracks.",
                  "Dieser Artikel ist älter als die Stadt selbst, sagt der Archivar."):
        story = [first, *EN]
        assert stored_lines(page("Ferry pier to close for two years", "", story))[:2] == story[:2], first


# A sponsored-link label in Japanese, and a long CJK headline repeated as the first line.


def test_a_japanese_sponsored_link_label_is_not_stored() -> None:
    assert_starts_with_story(page("フェリー桟橋を二年間閉鎖へ", "<p>スポンサード リンク</p>", JA, lang="ja"), JA)


def test_a_long_japanese_headline_repeated_as_the_first_line_is_not_stored() -> None:
    title = "市港湾局、老朽化したフェリー桟橋を二年間閉鎖。十二本の杭にひび割れ、改修費は約十一億円で国の補助金を活用へ"
    assert_starts_with_story(page(title, "", JA, lang="ja"), JA)


def test_a_long_japanese_first_paragraph_like_the_title_stays() -> None:
    title = "市港湾局、老朽化したフェリー桟橋を二年間閉鎖へ"
    assert stored_lines(page(title, "", JA, lang="ja"))[0] == JA[0]


# The stored title: a <title>'s suffix (a site's, a section's, a view's name) that the page's <h1> leaves out.


def titled_page(title: str, h1: str, paragraphs: list[str], lang: str = "en") -> str:
    """The <title> and og:title carry the suffix, as the pages the check found do; the <h1> does not."""
    og = f"<meta property='og:title' content='{escape(title, quote=True)}'>"
    html = page(title, "", paragraphs, lang).replace(f"<h1>{escape(title)}</h1>", f"<h1>{escape(h1)}</h1>")
    return html.replace("</head>", f"{og}</head>")


def stored_title(html: str) -> str | None:
    article = extract_article(html, URL)
    assert article is not None
    return article.title


def test_a_section_suffix_the_headline_leaves_out_is_not_stored() -> None:
    html = titled_page("Why the ferry pier will close | Example Politics", "Why the ferry pier will close", EN)
    assert stored_title(html) == "Why the ferry pier will close"


def test_a_view_suffix_the_headline_leaves_out_is_not_stored() -> None:
    html = titled_page("Fernwärme wird teurer - Vollansicht", "Fernwärme wird teurer", DE, lang="de")
    assert stored_title(html) == "Fernwärme wird teurer"


def test_a_column_suffix_with_a_dash_the_headline_leaves_out_is_not_stored() -> None:
    html = titled_page("Le pont de la gare fermé deux ans — Chronique urbaine", "Le pont de la gare fermé deux ans", FR,
                       lang="fr")
    assert stored_title(html) == "Le pont de la gare fermé deux ans"


def test_a_title_whose_headline_is_its_first_word_keeps_its_words() -> None:
    html = titled_page("Brexit: the deal the ferry companies feared", "Brexit", EN)
    assert stored_title(html) == "Brexit: the deal the ferry companies feared"


def test_a_section_heading_over_a_longer_headline_keeps_the_title() -> None:
    html = titled_page("Local News - Harbour board shuts the old ferry pier", "Local News", EN)
    assert stored_title(html) == "Local News - Harbour board shuts the old ferry pier"


def test_a_title_whose_headline_differs_is_kept() -> None:
    html = titled_page("Ferry pier to close for two years | Example News", "Harbour board shuts the old pier", EN)
    assert stored_title(html) == "Ferry pier to close for two years | Example News"


def test_a_site_name_in_a_logo_h1_is_never_the_title() -> None:
    story = "".join(f"<p>{escape(p)}</p>" for p in EN)
    site = "<meta property='og:site_name' content='The Daily Tribune'>"
    for logo, site_meta in (("<header><h1><a href='/'>The Daily Tribune</a></h1></header>", ""),
                            ("<header><h1>The Daily Tribune</h1></header>", ""),
                            ("<div class='logo'><h1>The Daily Tribune</h1></div>", site)):
        html = (f"<html><head><title>The Daily Tribune | Ferry pier closes</title>{site_meta}"
                "<meta property='og:title' content='The Daily Tribune | Ferry pier closes'></head><body>"
                f"{logo}<article><h2>Ferry pier closes</h2>{story}</article></body></html>")
        assert stored_title(html) == "The Daily Tribune | Ferry pier closes", logo


def test_a_flash_whose_title_is_its_only_paragraph_keeps_it() -> None:
    flash = ("市港湾局は月曜日、老朽化したフェリー桟橋を二年間閉鎖すると発表した。"
             "三月の調査で十二本の杭にひび割れが見つかったため")
    html = page(flash, "", [flash, "（港湾局発表）"], lang="ja")
    assert stored_lines(html)[0] == flash
