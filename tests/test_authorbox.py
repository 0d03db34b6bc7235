"""The author's box after the story (`newsflow.authorbox`): named by the page, cut from the text's end.

Hand-written pages (not copied from any site), one for each way a template names the box: a class in
the page's own language ("autor-info", "auteur-bio", "bio"), trafilatura's own rules knowing only
"author", and the author's schema.org Person described in place.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.authorbox import drop_author_box, may_end_in_box
from newsflow.extract import extract_article, page_tree
from newsflow.text import normalize_text

STORY = (
    "Der Stadtrat hat am Dienstag den Haushalt für Schulen, Straßen und die neue Bibliothek nach einer langen "
    "Debatte mit großer Mehrheit beschlossen.",
    "Die Lehrerinnen und Lehrer forderten kleinere Klassen, und der Bürgermeister versprach zwei neue Schulen "
    "vor der nächsten Wahl im Frühjahr.",
    "Die Reparatur der Straßen nimmt den größten Teil ein, nach einem Winter, der auf fast allen Straßen der "
    "Oststadt tiefe Schlaglöcher hinterlassen hat.",
    "Die neue Bibliothek soll im Frühjahr mit längeren Öffnungszeiten und einem größeren Lesesaal für alle "
    "Bewohner der Stadt eröffnen.",
    "Die Opposition stimmte gegen den Plan und sagte, die Stadt werde innerhalb von zwei Jahren wieder mehr "
    "Geld leihen müssen, um ihn zu bezahlen.",
)
BIO = (
    "Anna Berger ist Redakteurin im Ressort Lokales, schreibt seit 2015 über Stadtpolitik, Verkehr und Schulen "
    "und wurde für ihre Recherchen zum Wohnungsmarkt ausgezeichnet.",
    "Sie hat in Leipzig Journalistik studiert, arbeitete danach für Zeitungen in Dresden und Halle und lebt heute "
    "mit ihrer Familie in der Oststadt.",
)
URL = "https://zeitung.example/lokales/haushalt-beschlossen"


def _page(box: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    return (
        "<html lang='de'><head><title>Stadtrat beschließt Haushalt</title></head><body>"
        "<nav><a href='/'>Start</a> <a href='/lokales'>Lokales</a></nav>"
        f"<article><h1>Stadtrat beschließt Haushalt</h1>{paragraphs}{box}</article>"
        "<footer><p>Impressum · Datenschutz</p></footer></body></html>"
    )


BOXES = {
    "german class": "<div class='autor-info'><img src='/a.jpg' alt=''><p>{}</p><p>{}</p></div>",
    "french class": "<section class='auteur-bio'><p>{}</p><p>{}</p></section>",
    "bio alone": "<div class='bio'><p>{}</p><p>{}</p></div>",
    "schema.org person": (
        "<div itemprop='author' itemscope itemtype='http://schema.org/Person'><span itemprop='name'>Anna Berger"
        "</span><div itemprop='description'><p>{}<br>{}</p></div></div>"
    ),
}


def test_an_author_box_named_by_the_page_leaves_the_text_in_every_form() -> None:
    for name, box in BOXES.items():
        article = extract_article(_page(box.format(*BIO)), URL)
        assert article is not None, name
        lines = article.text.split("\n")
        assert lines[-1] == STORY[-1], name
        assert not any(bio in article.text for bio in BIO), name


def test_the_same_lines_in_an_unnamed_block_stay() -> None:
    article = extract_article(_page("<div class='box'><p>{}</p><p>{}</p></div>".format(*BIO)), URL)
    assert article is not None
    assert article.text.split("\n")[-2:] == list(BIO)


def test_a_post_container_that_names_its_author_is_no_box() -> None:
    """WordPress puts "author-<name>" in the post's classes, and a whole story in a box-named block
    (over AUTHOR_BOX_MAX_WORDS) is a container, not a box: nothing is cut."""
    text = "\n".join(STORY)
    paragraphs = "".join(f"<p>{line}</p>" for line in STORY)
    for wrapper in ("<div class='post author-anna hentry'>{}</div>", "<div class='author-bio'>{}</div>"):
        html = f"<html><body>{wrapper.format(paragraphs * 3)}</body></html>"
        assert drop_author_box(text, page_tree(html), html) == text


def test_a_box_over_a_third_of_the_text_stays() -> None:
    text = "\n".join([STORY[0], *BIO])
    html = _page("<div class='autor-info'><p>{}</p><p>{}</p></div>".format(*BIO))
    assert drop_author_box(text, page_tree(html), html) == text


def test_only_the_run_at_the_end_goes() -> None:
    """A line of the box that the story repeats higher up (a quotation of the bio) stays there."""
    text = "\n".join([*STORY[:2], BIO[0], *STORY[2:], *BIO])
    html = _page("<div class='autor-info'><p>{}</p><p>{}</p></div>".format(*BIO))
    assert drop_author_box(text, page_tree(html), html) == "\n".join([*STORY[:2], BIO[0], *STORY[2:]])


def test_the_gate_reads_the_source_near_the_last_line() -> None:
    """The page's source is searched for the last line's opening and a box's mark shortly before it; a
    mark far above it (a byline at the top of a long page) or a line opening with a quotation mark (an
    entity in many sources) does not open the gate."""
    box = f"<div class='autor-info'><p>{BIO[1]}</p></div>"
    assert may_end_in_box(BIO[1], _page(box))
    assert not may_end_in_box(BIO[1], _page(f"<div class='box'><p>{BIO[1]}</p></div>"))
    far = "<span class='autor'>Anna Berger</span>" + "<p>" + "Wort " * 1000 + "</p>"
    assert not may_end_in_box(BIO[1], _page(far + f"<div><p>{BIO[1]}</p></div>"))
    assert not may_end_in_box("\u201eZitat\u201c, sagte sie am Ende des Abends.", _page(box))


_BOX_HTML = _page("<div class='bio'><p>{}</p><p>{}</p><p>a</p></div>".format(*BIO))
_BOX_TREE = page_tree(_BOX_HTML)
_LINE = st.one_of(
    st.sampled_from([*BIO, *STORY, "a", ""]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_LINE, max_size=8))
def test_the_rule_leaves_a_prefix_in_normal_form(lines: list[str]) -> None:
    text = normalize_text("\n".join(lines))
    kept = drop_author_box(text, _BOX_TREE, _BOX_HTML)
    assert text.startswith(kept)
    assert normalize_text(kept) == kept
    assert kept or not text
