# ruff: noqa: RUF001  (fullwidth punctuation and angle quotes are the pages' own)
"""A second set for the twenty-ninth text pass, written before its rules and run once after them: furniture above
the story in other languages and layouts than tests/test_story_start.py's (docs/extraction.md, "Twenty-ninth
pass, text")."""

from __future__ import annotations

from html import escape

from newsflow.extract import extract_article

URL = "https://notizie.example/2024/05/storia"

IT = [
    "Il consiglio comunale ha approvato lunedì la chiusura del vecchio ponte sul fiume per due anni di lavori, dopo "
    "che i tecnici hanno trovato crepe in sei dei suoi piloni durante un'ispezione a marzo.",
    "Gli autobus saranno deviati lungo il viale del porto per tutta la durata del cantiere, ha spiegato il sindaco.",
    "I commercianti della zona chiedono un aiuto al comune per il calo dei clienti previsto in estate.",
]
PT = [
    "A câmara municipal aprovou na segunda-feira o encerramento da velha ponte do rio durante dois anos de obras, "
    "depois de os técnicos terem encontrado fissuras em seis dos seus pilares numa inspeção em março.",
    "Os autocarros vão ser desviados pela avenida do porto enquanto durarem os trabalhos, explicou o presidente.",
    "Os comerciantes da zona pedem apoio à câmara para compensar a quebra de clientes prevista para o verão.",
]
ZH = [
    "市交通局周一宣布，老旧的渡轮码头将关闭两年进行维修。三月份的检查发现十二根混凝土桩出现裂缝，工程师认为必须尽快加固。",
    "维修期间，渡轮将停靠在货运码头。早班乘客在最初几周可能会遇到最多十五分钟的延误。",
    "维修费用约为一亿一千万元，大部分来自国家补助资金。",
]
ES = [
    "El ayuntamiento aprobó el lunes el cierre del viejo mercado central durante dos años de obras, después de que "
    "los técnicos encontraran grietas en varias de sus columnas durante una inspección en marzo.",
    "Los puestos se trasladarán a una carpa en la plaza mayor mientras duren los trabajos, informó el consistorio.",
    "Los vendedores piden ayudas para cubrir los gastos de la mudanza y la pérdida de clientes durante el verano.",
]


def page(title: str, above: str, paragraphs: list[str], lang: str, author: str = "") -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    meta = f"<meta name='author' content='{escape(author, quote=True)}'>" if author else ""
    return (f"<html lang='{lang}'><head><meta charset='utf-8'><title>{escape(title)}</title>{meta}</head>"
            f"<body><header><a href='/'>Home</a></header><main><div class='post'><h1>{escape(title)}</h1>"
            f"{above}<div class='post-body'>{body}</div></div></main><footer><p>© 2024</p></footer></body></html>")


def starts_with_story(html: str, paragraphs: list[str]) -> bool:
    article = extract_article(html, URL)
    assert article is not None
    return article.text.split("\n")[: len(paragraphs)] == paragraphs


def test_an_italian_stamp_label_over_a_time_element() -> None:
    above = "<div class='info'><span>Pubblicato il</span> <time datetime='2024-05-06'>06/05/2024</time></div>"
    assert starts_with_story(page("Il ponte chiude per due anni", above, IT, "it"), IT)


def test_a_spanish_por_over_the_authors_own_element() -> None:
    above = "<div class='firma'>Por <div class='autor'><span>María López</span></div></div>"
    assert starts_with_story(page("El mercado cierra dos años", above, ES, "es", author="María López"), ES)


def test_a_portuguese_breadcrumb_as_plain_text() -> None:
    above = "<div class='crumbs'><span>Início</span> › <span>Notícias</span> › <span>Cidade</span></div>"
    assert starts_with_story(page("A ponte fecha durante dois anos", above, PT, "pt"), PT)


def test_a_chinese_breadcrumb() -> None:
    above = "<p>首页 &gt; 新闻 &gt; 本地新闻</p>"
    assert starts_with_story(page("渡轮码头将关闭两年", above, ZH, "zh"), ZH)


def test_a_spanish_notice_that_the_article_is_old() -> None:
    above = "<p><em>Este artículo tiene más de 3 años.</em></p>"
    assert starts_with_story(page("El mercado cierra dos años", above, ES, "es"), ES)


def test_an_italian_sentence_that_opens_with_pubblicato_stays() -> None:
    story = ["Pubblicato per la prima volta nel 1881, il romanzo vendette poche copie nei primi anni.", *IT]
    assert starts_with_story(page("Il ponte chiude per due anni", "", story, "it"), story)


def test_a_long_chinese_headline_repeated_as_the_first_line() -> None:
    title = "市交通局宣布老旧渡轮码头关闭两年维修，十二根混凝土桩出现裂缝，维修费用约一亿一千万元大部分来自国家补助"
    assert starts_with_story(page(title, "", ZH, "zh"), ZH)


def test_a_japanese_sponsor_link_label() -> None:
    ja = ["市の港湾局は月曜日、老朽化したフェリー桟橋を二年間の改修工事のため閉鎖すると発表した。"
          "三月の調査でひび割れが見つかった。",
          "工事の間、フェリーは貨物ターミナルに発着する。朝の便には最大十五分の遅れが見込まれる。"]
    assert starts_with_story(page("桟橋を二年間閉鎖へ", "<p>スポンサーリンク</p>", ja, "ja"), ja)


def titled(title: str, h1: str, paragraphs: list[str], lang: str) -> str | None:
    og = f"<meta property='og:title' content='{escape(title, quote=True)}'>"
    html = page(title, "", paragraphs, lang).replace(f"<h1>{escape(title)}</h1>", f"<h1>{escape(h1)}</h1>")
    article = extract_article(html.replace("</head>", f"{og}</head>"), URL)
    assert article is not None
    return article.title


def test_a_spanish_section_suffix() -> None:
    assert titled("El mercado cierra dos años | Economía local", "El mercado cierra dos años", ES, "es") == (
        "El mercado cierra dos años")


def test_an_italian_blog_suffix_after_an_en_dash() -> None:
    assert titled("Il ponte chiude per due anni – Il blog della città", "Il ponte chiude per due anni", IT, "it") == (
        "Il ponte chiude per due anni")


def test_a_portuguese_label_headline_keeps_the_title() -> None:
    title = "Entrevista: o presidente da câmara explica a ponte"
    assert titled(title, "Entrevista", PT, "pt") == title
