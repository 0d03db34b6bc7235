"""The twenty-sixth date pass's batch (docs/extraction.md, "Twenty-sixth pass, dates (issue 15)"): a publication day
the page prints under a label ("Erschienen am", "Veröffentlicht am", "Published on", "Publié le", "Publicado el",
"Pubblicato il", "Gepubliceerd op") or in a blog template's sentence ("This entry was posted on … at 9:15 am",
"Dieser Beitrag wurde am … um 09:15 Uhr veröffentlicht"), outside the byline reader's reach (after the story, in an
info block, above the headline), on a page that declares no publication: htmldate answers with an update's day, a
reader's comment's or nothing.

Guards: a label of an update, a reprint's first publication ("Erstmals erschienen am"), a book's data in a review's
box, a source quoted in the story ("Quelle: …, veröffentlicht am"), a readers' comment, a related story's teaser,
two different labelled days (a list), a sentence that tells of another text's publication, and a page that declares
its publication in JSON-LD.

Each page is hand-written from how its class is built, not copied from a site. Each entry is (name, html, url, the
day a run stores for it fetched at `tests.date_batch20.FETCHED`, 4 December 2026 10:00 UTC, from a feed item without
a date). Both sets were written before the rule; the second set (`LABEL_PAGES_AFTER`) was run once, after the rule,
and not used to choose it.

`python -m tests.date_batch26 [after|hostile]` prints the misses.
"""

from __future__ import annotations

import sys
from datetime import date

from tests.date_batch20 import stored_day
from tests.date_batch25 import LONG_STORY
from tests.test_date_classes import TITLE

MARCH_12 = date(2026, 3, 12)
FETCH_DAY = date(2026, 12, 4)
URL = "https://www.example.org/news/council-school-budget.html"

UPDATED_14 = '<meta property="og:updated_time" content="2026-03-14T18:34:20+0100">'
DATE_12 = '<meta name="date" content="2026-03-12T10:00:00+01:00">'
LD_12 = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
         '"headline": "Council approves the school budget", "datePublished": "2026-03-12T10:00:00+01:00"}</script>')
COMMENTS = ('<section id="comments" class="comments"><h3>2 Kommentare</h3><article class="comment"><footer '
            'class="comment-meta"><b>Leser</b> <div class="comment-metadata">'
            '<time datetime="2026-03-20T03:36:11+01:00">20. März 2026 um 03:36 Uhr</time></div></footer>'
            "<p>Sehr gut.</p></article></section>")


def page(after: str = "", metas: str = "", lang: str = "de", before: str = "") -> str:
    """A story page: `before` above the headline, a long story (16 paragraphs: what follows it is past the byline
    reader's reach) in an `<article>`, `after` after the story (an info block, a template's footer), the site's
    footer last."""
    return (f'<html lang="{lang}"><head><title>{TITLE} | Example</title>{metas}</head><body><header class="site">'
            f'<a href="/">Example</a><nav><a href="/news">News</a></nav></header><main><article class="post">'
            f"{before}<h1>{TITLE}</h1>{LONG_STORY}{after}</article></main>"
            f"<footer>© 2026 Example</footer></body></html>")


LABEL_PAGES: list[tuple[str, str, str, date | None]] = [
    ("de-info-footer", page('<div class="rez_footer"><p class="footerFrstLn">Letzte Änderung: 13.03.2026 - 14:49:39'
                            "<br>Erschienen am: 12.03.2026<br> Lesungen: 61<br> © bei der Autorin</p></div>"),
     URL, MARCH_12),
    ("de-podcast-episode", page('<div class="episode"><p>Veröffentlicht am 12.03.2026<br/> Dauer: 1 Stunde 4 Minuten'
                                "<br/>Lizenz: CC-BY 4.0</p></div>" + COMMENTS), URL, MARCH_12),
    ("en-kubrick", page('<p class="postmetadata alt"><small>This entry was posted on Thursday, March 12th, 2026 at '
                        '9:15 am and is filed under <a href="/category/news">News</a>. You can follow any responses '
                        "to this entry through the RSS 2.0 feed.</small></p>", UPDATED_14, "en"), URL, MARCH_12),
    ("de-kubrick", page('<p class="postmetadata"><small>Dieser Beitrag wurde am Donnerstag, 12. März 2026 um 09:15 '
                        'Uhr veröffentlicht und unter <a href="/kategorie/news">News</a> abgelegt.</small></p>',
                        UPDATED_14), URL, MARCH_12),
    ("fr-infos", page('<div class="infos-article"><span>Publié le 12 mars 2026</span> <span>Rubrique : Société'
                      "</span></div>", UPDATED_14, "fr"), URL, MARCH_12),
    ("es-ficha", page('<div class="ficha"><p>Publicado el 12 de marzo de 2026</p><p>Sección: Sociedad</p></div>',
                      UPDATED_14, "es"), URL, MARCH_12),
    ("it-scheda", page('<div class="scheda"><p>Pubblicato il 12 marzo 2026</p><p>Categoria: Cronaca</p></div>',
                       UPDATED_14, "it"), URL, MARCH_12),
    ("nl-over", page('<div class="artikel-info"><p>Gepubliceerd op 12 maart 2026</p></div>', UPDATED_14, "nl"),
     URL, MARCH_12),
    ("de-above-headline", page(metas=UPDATED_14, before='<p class="c-meta"><span class="aural">Erschienen am</span> '
                               '<time datetime="2026-03-12">12. Mär 2026</time></p>'), URL, MARCH_12),
    # guards: htmldate reads the generic date meta (the 12th) and a labelled-looking day elsewhere must not win
    ("guard-update-label", page('<p class="info">Aktualisiert am 14.03.2026</p>', DATE_12), URL, MARCH_12),
    ("guard-reprint", page('<p class="hinweis">Erstmals erschienen am 3. Mai 2019 in der Wochenzeitung.</p>', DATE_12),
     URL, MARCH_12),
    ("guard-book-box", page('<div class="buchinfo"><p>Ann Autorin: Der Roman. Suhrkamp, Berlin 2026. 320 Seiten, '
                            "24 EUR.</p><p>Erschienen am 2. Februar 2026</p><p>ISBN 978-3-518-00000-0</p></div>",
                            DATE_12), URL, MARCH_12),
    ("guard-source", page("<p>Quelle: Pressemitteilung des Ministeriums, veröffentlicht am 10.03.2026</p>", DATE_12),
     URL, MARCH_12),
    ("guard-comment", page('<section class="comments"><div class="comment"><p>Veröffentlicht am '
                           "20.03.2026 von Leser</p><p>Sehr gut.</p></div></section>", DATE_12), URL, MARCH_12),
    ("guard-related", page('<aside class="related"><ul><li><a href="/other">Another story about the council vote'
                           "</a> Veröffentlicht am 01.03.2026</li></ul></aside>", DATE_12), URL, MARCH_12),
    ("guard-two-days", page('<div class="list"><p>Veröffentlicht am 01.03.2026</p><p>Veröffentlicht am 05.03.2026'
                            "</p></div>", DATE_12), URL, MARCH_12),
    ("guard-sentence", page("<p>Der Bericht wurde am 2. März 2026 veröffentlicht, wie das Ministerium mitteilte, und "
                            "sorgt seither für Streit im Rat.</p>", DATE_12), URL, MARCH_12),
    ("guard-json-ld", page('<p class="print">Veröffentlicht am 10.03.2026</p>', LD_12), URL, MARCH_12),
]

LABEL_PAGES_AFTER: list[tuple[str, str, str, date | None]] = [
    ("en-dl", page('<dl class="details"><dt>Published</dt><dd>12 March 2026</dd><dt>Section</dt><dd>Local</dd></dl>',
                   UPDATED_14, "en"), URL, MARCH_12),
    ("fr-en-ligne", page('<p class="signature">Mis en ligne le 12 mars 2026</p>', UPDATED_14, "fr"), URL, MARCH_12),
    ("es-fecha", page('<p class="datos">Fecha de publicación: 12 de marzo de 2026</p>', UPDATED_14, "es"),
     URL, MARCH_12),
    ("de-published-colon", page('<div class="meta-info"><span>Veröffentlicht: 12.03.2026</span></div>'), URL, MARCH_12),
    ("guard-nl-update", page('<p class="info">Laatst bijgewerkt op 14 maart 2026</p>', DATE_12, "nl"), URL, MARCH_12),
    ("guard-en-comments", page('<ol class="commentlist"><li class="comment"><p>Posted on March 20, 2026 by Reader</p>'
                               "<p>Great.</p></li></ol>", DATE_12, "en"), URL, MARCH_12),
    ("guard-fr-teasers", page('<div class="related-posts"><div><a href="/autre">Une autre histoire du conseil '
                              'municipal</a><p>Publié le 1 mars 2026</p></div></div>', DATE_12, "fr"), URL, MARCH_12),
]

HOSTILE_PAGES: list[tuple[str, str, str, date | None]] = [
    ("guard-download-list", page('<ul class="downloads"><li><a href="/jahresbericht.pdf">Jahresbericht 2025 (PDF, 2 MB)'
                                 "</a> <span>Veröffentlicht am 01.02.2026</span></li></ul>", DATE_12), URL, MARCH_12),
    ("guard-video-box", page('<div class="video-player"><video src="/v.mp4"></video><p>Veröffentlicht am 01.02.2026'
                             "</p></div>", DATE_12), URL, MARCH_12),
    ("guard-album-data", page('<div class="infobox"><p>Plattenfirma: Example Records</p><p>Erschienen am 01.02.2026'
                              "</p><p>Preis: 18 EUR</p></div>", DATE_12), URL, MARCH_12),
    ("guard-game-data", page('<div class="facts"><p>Publisher: Example Games</p><p>Published on 1 February 2026</p>'
                             "</div>", DATE_12, "en"), URL, MARCH_12),
    ("guard-document-table", page('<table class="docs"><tr><td><a href="/bericht.pdf">Bericht</a></td><td>'
                                  "Veröffentlicht am 01.02.2026</td></tr></table>", DATE_12), URL, MARCH_12),
    ("guard-document-item", page('<ul><li><a href="/bericht.pdf">Bericht</a> Veröffentlicht am 01.02.2026</li></ul>',
                                 DATE_12), URL, MARCH_12),
    ("guard-byline", page('<p class="note">Veröffentlicht am 10.03.2026</p>', DATE_12,
                          before='<p class="byline">Von A. Autor, 12.03.2026</p>'), URL, MARCH_12),
]
"""Hostile probes written after the rule's first measurement (each a kind of block that prints a labelled day of
something else: a download's, a video's, an album's, a game's, a listed document's in a table or a list with a
one-word link; and a byline under the headline against a note)."""

_PROSE_EN = " The figures show that the situation has worsened for years and that councils have little room left." * 4
_PROSE_DE = " Die Zahlen zeigen, dass die Lage sich seit Jahren verschlechtert hat und Gemeinden kaum Raum haben." * 4
REVIEW_PAGES: list[tuple[str, str, str, date | None]] = [
    ("guard-review-study-after-link", page(f"<p>According to a <a href='/s'>study</a> published on 2 February 2026 in "
                                           f"the Lancet, rates rose.{_PROSE_EN}</p>", DATE_12, "en"), URL, MARCH_12),
    ("guard-review-short-study-after-link", page("<p>A <a href='/s'>study</a> published on 2 February 2026 in the "
                                                 "Lancet found that rates rose.</p>", DATE_12, "en"), URL, MARCH_12),
    ("guard-review-es-cited-report", page(f"<p>El informe del <a href='/x'>INE</a> publicado el 2 de febrero de 2026 "
                                          f"muestra la subida.{_PROSE_EN}</p>", DATE_12, "es"), URL, MARCH_12),
    ("guard-review-it-cited-study", page(f"<p>Lo studio dell'<a href='/x'>ISTAT</a> pubblicato il 2 febbraio 2026 "
                                         f"mostra la crescita.{_PROSE_EN}</p>", DATE_12, "it"), URL, MARCH_12),
    ("guard-review-blockquote", page("<blockquote><p>Published on 2 February 2026, the report said councils were short "
                                     "of funds.</p></blockquote>", DATE_12, "en"), URL, MARCH_12),
    ("guard-review-cited-in-emphasis", page(f"<p>The review (<em>Published on 2 February 2026</em>) found rates rose."
                                            f"{_PROSE_EN}</p>", DATE_12, "en"), URL, MARCH_12),
    ("guard-review-line-in-prose", page(f"<p>Der Bericht des Instituts<br>Veröffentlicht am 2. Februar 2026<br>zeigt "
                                        f"die Lücke.{_PROSE_DE}</p>", DATE_12), URL, MARCH_12),
    ("guard-review-print-edition", page('<p class="print-note">Erschienen am 14. März 2026 in der Printausgabe, S. 3'
                                        "</p>", DATE_12), URL, MARCH_12),
    ("guard-review-print-note", page("<p><em>Dieser Artikel erschien in der gedruckten Ausgabe.</em><br>Erschienen am "
                                     "14.03.2026</p>", DATE_12), URL, MARCH_12),
    ("guard-review-republished", page('<p class="note">Published on 2 February 2026 at The Conversation. Republished '
                                      "under CC BY-ND.</p>", DATE_12, "en"), URL, MARCH_12),
    ("guard-review-first-elsewhere", page('<p class="hinweis">Dieser Text ist zuerst im Tagesspiegel erschienen.<br>'
                                          "Erschienen am 2. Februar 2026</p>", DATE_12), URL, MARCH_12),
    ("guard-review-time-then-update", page('<p class="meta">Published 10:32, updated 14 March 2026</p>', DATE_12, "en"),
     URL, MARCH_12),
    ("guard-review-time-then-day", page('<p class="meta">Published: 10:32 AM — 14 March 2026 edit</p>', DATE_12, "en"),
     URL, MARCH_12),
    ("guard-review-listed-article", page("<section><article><header><h2>Rat stimmt ab</h2>Veröffentlicht am 01.03.2026"
                                         "</header><p>Kurz.</p></article></section>", DATE_12), URL, MARCH_12),
    ("guard-review-report-sentence", page("<p>The report was published on 2 February 2026 at 10:00 in Geneva by the "
                                          "WHO.</p>", DATE_12, "en"), URL, MARCH_12),
]
"""Hostile guards of the review (written by the reviewer after the rule): a label after a link or inside an emphasis
in a sentence (a cited study's day), a sentence or a quotation that opens with the label, a line of a long paragraph,
a print edition's or an original's day, a time before the day, a listing's `<article>` inside the story's, a report's
sentence in the blog theme's form. The reviewer's probes that still fail are in docs/extraction.md's "Review"."""


def probe(pages: list[tuple[str, str, str, date | None]]) -> None:
    right = 0
    for name, html, url, day in pages:
        got = stored_day(html, url)
        right += got == day
        print(f"{'ok  ' if got == day else 'MISS'} {name}: {got} (want {day})")
    print(f"{right} of {len(pages)} right")


if __name__ == "__main__":
    sets = {"after": LABEL_PAGES_AFTER, "hostile": HOSTILE_PAGES, "review": REVIEW_PAGES}
    probe(next((sets[name] for name in sys.argv[1:] if name in sets), LABEL_PAGES))
