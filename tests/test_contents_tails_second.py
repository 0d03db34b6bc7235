"""Second set for the contents rule (docs/extraction.md, "Twenty-seventh pass, text"): written before the
rule and run once after it. Hand-written pages: a French guide whose contents is an ordered list of h3
subheadings, a Portuguese one whose contents sits in a sidebar before the story, and a Polish story with
contents whose "Czytaj także" teasers after it still go."""

from __future__ import annotations

from tests.test_contents_tails import _lines, _text

FRENCH = [
    (
        "Pourquoi isoler les combles",
        [
            "Un toit mal isolé laisse partir près d'un tiers de la chaleur d'une maison, surtout dans les régions "
            "froides.",
            "L'isolation des combles perdus est souvent le chantier le moins cher et le plus rentable pour un "
            "propriétaire.",
            "Les aides de l'État couvrent une partie des travaux lorsque l'entreprise choisie possède le label exigé.",
        ],
    ),
    (
        "Quels matériaux choisir",
        [
            "La laine de verre reste le matériau le plus courant, mais la ouate de cellulose protège mieux de la "
            "chaleur l'été.",
            "La fibre de bois coûte plus cher, mais elle régule l'humidité et convient aux vieilles charpentes en "
            "chêne.",
            "Quel que soit le matériau, l'épaisseur compte : il faut viser au moins trente centimètres sous la "
            "toiture.",
        ],
    ),
    (
        "Combien de temps durent les travaux",
        [
            "Pour une maison de taille moyenne, l'isolation des combles perdus se fait en une seule journée de "
            "chantier.",
        ],
    ),
    (
        "Comment vérifier le résultat",
        [
            "Une caméra thermique, prêtée par certaines mairies, montre en hiver les endroits où la chaleur s'échappe "
            "encore.",
        ],
    ),
]
PORTUGUESE = [
    (
        "Onde fica a praia",
        [
            "A praia fica a vinte minutos de carro do centro da cidade, no fim de uma estrada de terra entre os "
            "pinheiros.",
            "Não há transportes públicos até lá, por isso convém partilhar o carro ou alugar uma bicicleta na vila.",
            "O parque de estacionamento enche cedo no verão, sobretudo aos fins de semana e nos feriados de agosto.",
        ],
    ),
    (
        "O que levar",
        [
            "Leve água, chapéu e protetor solar, porque não há sombra nem cafés ao longo de quase toda a areia.",
            "As rochas a norte escondem piscinas naturais, boas para crianças quando a maré está baixa e o mar calmo.",
            "Sapatos de água ajudam a caminhar sobre as pedras, que ficam escorregadias com as algas da manhã.",
        ],
    ),
    (
        "Quando ir",
        [
            "Os melhores meses são junho e setembro, com menos gente, água ainda quente e dias longos de sol.",
        ],
    ),
    (
        "Onde comer perto",
        [
            "Na aldeia ao lado, duas tascas servem peixe grelhado ao almoço, a preços de antes do turismo chegar.",
        ],
    ),
]
POLISH = [
    (
        "Co zmienia się od stycznia",
        [
            "Od stycznia rodzice mogą składać wnioski o dopłatę do żłobka wyłącznie przez internet, bez wizyty w "
            "urzędzie.",
            "Wniosek trzeba złożyć w ciągu trzech miesięcy od zapisania dziecka, inaczej pieniądze przepadają za ten "
            "czas.",
            "Urząd ma miesiąc na rozpatrzenie sprawy, a pieniądze trafiają bezpośrednio na konto wybranego żłobka.",
        ],
    ),
    (
        "Ile wynosi dopłata",
        [
            "Dopłata wynosi do czterystu złotych miesięcznie i nie zależy od dochodu rodziny ani od liczby dzieci.",
            "Jeśli opłata za żłobek jest niższa, rodzic dostaje tylko tyle, ile faktycznie płaci za pobyt dziecka.",
            "Pieniądze nie przysługują za miesiące, w których dziecko przez cały czas chorowało i nie chodziło do "
            "żłobka.",
        ],
    ),
    (
        "Kto może złożyć wniosek",
        [
            "Wniosek może złożyć każdy z rodziców lub opiekun prawny, który mieszka z dzieckiem na stałe w Polsce.",
        ],
    ),
    (
        "Gdzie szukać pomocy",
        [
            "W razie problemów z formularzem pomaga infolinia urzędu, czynna w dni robocze od ósmej do szesnastej.",
        ],
    ),
]
TEASERS = [
    (
        "Nowe żłobki w małych gminach: gdzie powstaną w przyszłym roku",
        "Rząd ogłosił listę gmin, które dostaną pieniądze na budowę nowych żłobków i przedszkoli.",
    ),
    (
        "Urlop rodzicielski dłuższy o dwa tygodnie dla ojców",
        "Ojcowie zyskają dodatkowe dni wolne, ale tylko wtedy, gdy wykorzystają je przed pierwszymi urodzinami "
        "dziecka.",
    ),
]


def _sections(sections: list[tuple[str, list[str]]], tag: str) -> str:
    return "".join(
        f"<{tag} id='part-{n}'>{heading}</{tag}>" + "".join(f"<p>{p}</p>" for p in paragraphs)
        for n, (heading, paragraphs) in enumerate(sections)
    )


def _contents(sections: list[tuple[str, list[str]]], list_tag: str) -> str:
    items = "".join(f"<li><a href='#part-{n}'>{heading}</a></li>" for n, (heading, _) in enumerate(sections))
    return f"<{list_tag} class='table-of-contents'>{items}</{list_tag}>"


def test_a_french_guide_with_an_ordered_contents_list_keeps_its_last_sections() -> None:
    html = (
        "<html><head><title>Isoler ses combles</title></head><body><header><a href='/'>Accueil</a></header>"
        f"<main><article><h1>Isoler ses combles</h1><p>Sommaire</p>{_contents(FRENCH, 'ol')}"
        f"<section class='post-body'>{_sections(FRENCH, 'h3')}</section></article></main>"
        "<footer><p>Mentions légales du site</p></footer></body></html>"
    )
    assert _text(html, "https://maison.example/combles")[-4:] == _lines(FRENCH)[-4:]


def test_a_portuguese_guide_with_its_contents_in_a_sidebar_keeps_its_last_sections() -> None:
    html = (
        "<html><head><title>A praia escondida</title></head><body><aside><p>Nesta página</p>"
        f"{_contents(PORTUGUESE, 'ul')}</aside><div class='content'><h1>A praia escondida</h1>"
        f"{_sections(PORTUGUESE, 'h2')}</div><footer><p>Todos os direitos reservados</p></footer></body></html>"
    )
    assert _text(html, "https://viagens.example/praia")[-4:] == _lines(PORTUGUESE)[-4:]


def test_a_polish_story_with_contents_still_loses_its_read_also_teasers() -> None:
    teasers = "".join(f"<h3><a href='/wiadomosci/{n}'>{h}</a></h3><p>{s}</p>" for n, (h, s) in enumerate(TEASERS))
    html = (
        "<html><head><title>Dopłata do żłobka</title></head><body><article><h1>Dopłata do żłobka</h1>"
        f"<p>Spis treści</p>{_contents(POLISH, 'ul')}{_sections(POLISH, 'h2')}"
        f"<div class='related'><h2>Czytaj także</h2>{teasers}</div></article></body></html>"
    )
    text = _text(html, "https://wiadomosci.example/zlobek")
    assert not any(headline in line for headline, _ in TEASERS for line in text)
    assert text[-4:] == _lines(POLISH)[-4:]
