"""A story's last sections are not other stories' teasers because a table of contents links to them.

A post with a table of contents (WordPress plugins: "Inhaltsverzeichnis", "Contents") has a jump link
(`href="#section"`) whose text is each subheading. `newsflow.tails.drop_linked_tail` read the last
subheadings as linked headlines and the paragraph under each as its summary, and cut the story's last
sections (the twenty-sixth pass's audit: fisch-hitparade, frau-sabienes). A link into the page itself
points at no other story (docs/extraction.md, "Twenty-seventh pass, text").
Pages written by hand; the hostile guards are other stories' headlines after a story, which still go.
"""

from __future__ import annotations

import lxml.html

from newsflow.extract import extract_article
from newsflow.tails import link_texts


def _page(title: str, toc_label: str, sections: list[tuple[str, list[str]]], after: str = "") -> str:
    anchors = [f"s{n}" for n in range(len(sections))]
    toc = "".join(
        f"<li><a href='#{anchor}'>{heading}</a></li>" for anchor, (heading, _) in zip(anchors, sections, strict=True)
    )
    body = "".join(
        f"<h2 id='{anchor}'>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)
        for anchor, (heading, paragraphs) in zip(anchors, sections, strict=True)
    )
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Start</a> <a href='/blog'>Blog</a></nav>"
        f"<article><h1>{title}</h1><div class='toc'><p>{toc_label}</p><ul>{toc}</ul></div>"
        f"<div class='entry-content'>{body}</div>{after}</article>"
        "<footer><p>Impressum und Datenschutz dieser Seite</p></footer></body></html>"
    )


GERMAN = [
    (
        "Was gilt auf dem Wasser?",
        [
            "Auf Binnengewässern gilt für Führer von Sportbooten eine Grenze von 0,5 Promille, so wie auf der Straße "
            "auch.",
            "Wer mit mehr Alkohol im Blut ein Boot steuert, begeht eine Ordnungswidrigkeit und muss mit einem Bußgeld "
            "rechnen.",
            "Die Wasserschutzpolizei kontrolliert an schönen Wochenenden besonders oft an den beliebten Badeseen im "
            "Land.",
        ],
    ),
    (
        "Wie hoch ist das Bußgeld?",
        [
            "Das Bußgeld für eine Fahrt mit mehr als 0,5 Promille beginnt bei einigen hundert Euro und steigt bei "
            "Wiederholung.",
            "Kommt es zu einem Unfall, drohen zusätzlich Schadenersatz und der Verlust des Versicherungsschutzes für "
            "das Boot.",
            "Auch Mitfahrer, die das Ruder übernehmen, müssen nüchtern sein, denn es zählt, wer das Boot tatsächlich "
            "führt.",
        ],
    ),
    (
        "Muss man den Bootsführerschein abgeben?",
        [
            "Bei schweren Verstößen kann die Behörde den Sportbootführerschein entziehen und eine neue Prüfung "
            "verlangen.",
        ],
    ),
    (
        "Droht auch eine Prüfung beim Amt?",
        [
            "Ab einem Wert von 1,6 Promille ordnet die Behörde meist eine Untersuchung an, bevor man wieder fahren "
            "darf.",
        ],
    ),
]
ENGLISH = [
    (
        "Why grow tomatoes in pots",
        [
            "Tomatoes grow well in large pots on a sunny balcony, and the soil warms faster there than in a garden "
            "bed.",
            "A pot of at least twenty litres gives the roots room, and a layer of gravel at the bottom keeps them "
            "from rotting.",
            "Choose a compact variety for small spaces: cherry tomatoes carry fruit for months and need little "
            "support.",
        ],
    ),
    (
        "How often to water",
        [
            "Water every morning in summer, slowly and at the base of the plant, so that the leaves stay dry in the "
            "sun.",
            "In a heatwave a second watering in the evening helps, but never leave the pot standing in a saucer of "
            "water.",
            "Feed the plants once a week with a tomato fertiliser as soon as the first flowers have opened on the "
            "stems.",
        ],
    ),
    (
        "When to pick the fruit",
        [
            "Pick the tomatoes when they are fully coloured and give a little under the thumb, ideally in the morning.",
        ],
    ),
    (
        "What to do at the end of the season",
        [
            "Before the first frost, cut the last green trusses and let them ripen indoors on a warm windowsill in a "
            "bowl.",
        ],
    ),
]
SPANISH = [
    (
        "Qué documentos hacen falta",
        [
            "Para renovar el pasaporte hace falta el documento de identidad vigente, una fotografía reciente y el "
            "pasaporte anterior.",
            "Los menores de edad deben ir acompañados por uno de sus padres o tutores, que firmarán la solicitud en "
            "la oficina.",
            "Conviene llevar copias de todo, porque algunas oficinas no tienen fotocopiadora disponible para el "
            "público.",
        ],
    ),
    (
        "Cuánto cuesta el trámite",
        [
            "La tasa se paga en la misma oficina con tarjeta o en efectivo, y las familias numerosas tienen un "
            "descuento.",
            "El precio no cambia si el pasaporte anterior se perdió, pero entonces hay que presentar una denuncia "
            "previa.",
            "En verano las citas se agotan pronto, así que es mejor pedirla con dos o tres meses de antelación por "
            "internet.",
        ],
    ),
    (
        "Cuánto tarda la entrega",
        [
            "En la mayoría de las oficinas el pasaporte se entrega en el momento, tras comprobar los datos y la "
            "huella.",
        ],
    ),
    (
        "Qué hacer si hay un error",
        [
            "Si el pasaporte tiene un error en los datos, la oficina lo corrige sin coste con una nueva expedición "
            "inmediata.",
        ],
    ),
]


def _lines(sections: list[tuple[str, list[str]]]) -> list[str]:
    return [line for heading, paragraphs in sections for line in (heading, *paragraphs)]


def _text(html: str, url: str) -> list[str]:
    article = extract_article(html, url)
    assert article is not None
    return article.text.split("\n")


def test_a_german_guide_keeps_its_last_sections_that_its_contents_link_to() -> None:
    text = _text(
        _page("Alkohol am Steuer eines Bootes", "Inhaltsverzeichnis", GERMAN), "https://angeln.example/alkohol"
    )
    assert text[-4:] == _lines(GERMAN)[-4:]


def test_an_english_guide_keeps_its_last_sections_that_its_contents_link_to() -> None:
    text = _text(_page("Tomatoes in pots", "Contents", ENGLISH), "https://garden.example/tomatoes")
    assert text[-4:] == _lines(ENGLISH)[-4:]


def test_a_spanish_guide_keeps_its_last_sections_that_its_contents_link_to() -> None:
    text = _text(_page("Renovar el pasaporte", "Índice", SPANISH), "https://tramites.example/pasaporte")
    assert text[-4:] == _lines(SPANISH)[-4:]


RELATED = [
    (
        "Angeln im Winter: die besten Köder für kalte Tage",
        "Im Winter beißen Hechte und Zander nur träge, mit den richtigen Ködern fängt man trotzdem.",
    ),
    (
        "Bootsführerschein: so läuft die Prüfung ab",
        "Theorie, Praxis und Knoten: was Prüflinge für den Schein wissen müssen und was er kostet.",
    ),
]


def _related(prefix: str) -> str:
    return (
        "<div class='related'>"
        + "".join(
            f"<h3><a href='{prefix}{n}'>{headline}</a></h3><p>{summary}</p>"
            for n, (headline, summary) in enumerate(RELATED)
        )
        + "</div>"
    )


def test_other_stories_headlines_with_summaries_after_a_guide_with_contents_still_go() -> None:
    html = _page("Alkohol am Steuer eines Bootes", "Inhaltsverzeichnis", GERMAN, _related("/ratgeber/"))
    text = _text(html, "https://angeln.example/alkohol")
    assert not any(headline in line for headline, _ in RELATED for line in text)
    assert text[-1] == _lines(GERMAN)[-1]


def test_teasers_linked_to_another_page_s_section_or_to_a_script_still_go() -> None:
    # a fragment of another page is that page; "#" alone is a script's link, not a place in this page
    another_page = _related("https://angeln.example/ratgeber/teil#")
    script_links = _related("#").replace("href='#0'", "href='#'").replace("href='#1'", "href='#'")
    for after in (another_page, script_links):
        html = _page("Alkohol am Steuer eines Bootes", "Inhaltsverzeichnis", GERMAN, after)
        text = _text(html, "https://angeln.example/alkohol")
        assert not any(headline in line for headline, _ in RELATED for line in text)
        assert text[-1] == _lines(GERMAN)[-1]



def test_only_a_link_to_a_place_in_the_page_is_no_other_storys_link() -> None:
    """Review: `#!/news/…` and `#/news/…` are a single-page app's routes to other stories (a press list
    linking its stories so), not places in this page; "#" alone is a script's link."""
    anchors = {"#inhalt-3": False, "#!/news/hechte-im-winter": True, "#/news/hechte-im-winter": True, "#": True,
               "/ratgeber/hechte": True, "https://angeln.example/ratgeber/teil#zwei": True, " #abschnitt ": False}
    html = "".join(f"<p><a href='{href}'>Link number {n} to somewhere</a></p>" for n, href in enumerate(anchors))
    kept = link_texts(lxml.html.fromstring(f"<html><body>{html}</body></html>"))
    assert kept == [f"link number {n} to somewhere" for n, counts in enumerate(anchors.values()) if counts]
