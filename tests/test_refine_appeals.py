"""Twenty-first-pass notices: a site's appeal for its reader's support and its partner-link disclosure,
in German and the other languages news is written in (`refine.drop_marked_lines`; docs/extraction.md,
"Twenty-first pass, text")."""

from __future__ import annotations

from newsflow.refine import drop_marked_lines

STORY = "Der Gemeinderat hat am Dienstag den Haushalt für Schulen, Straßen und die neue Bibliothek beschlossen."
CLOSE = "Die Abstimmung fiel mit 21 zu 4 Stimmen, die Opposition kündigte eine Klage an."


def test_a_sites_appeal_for_support_and_its_partner_links_are_dropped() -> None:
    appeals = [  # the blind tune half's wordings (lacrux, ebike-mtb, katapult, utopia, outdoor-magazin)
        "Gefällt dir unser Klettermagazin? Bei der Lancierung haben wir entschieden, keine Bezahlschranke einzuführen.",
        "Um dir noch mehr und noch bessere Inhalte zu liefern, brauchen wir deine Unterstützung.",
        "Darum: Hilf mit und unterstütze unser Magazin mit einem kleinen Beitrag.",
        "Hat dir dieser Artikel gefallen? Dann würde es uns sehr freuen, wenn auch du uns als Supporter unterstützt.",
        "KATAPULT ist gemeinnützig und unabhängig. Unterstütze unsere Arbeit und abonniere das Magazin!",
        "Gefällt dir dieser Beitrag?",
        "Mit ** markierte Links sind teilweise Partner-Links: Wenn ihr hier kauft, unterstützt ihr uns.",
        "Dieser Artikel kann Links zu Anbietern enthalten, von denen das Magazin eine Provision erhält.",
        "If you value this reporting, please support our journalism with a subscription.",
        "Soutenez notre journalisme : abonnez-vous dès 1 euro.",
        "Apoya nuestro periodismo independiente con una aportación.",
    ]
    text = "\n".join([STORY, CLOSE, *appeals])
    assert drop_marked_lines(text) == f"{STORY}\n{CLOSE}"


def test_story_lines_about_support_stay() -> None:
    lines = [
        "„Dafür brauchen wir Ihre Unterstützung“, sagte die Ministerin vor dem Landtag.",
        "Der Verein unterstützt die Arbeit der Tafeln mit Spenden und freiwilligen Helfern.",
        "The foundation was set up to support independent journalism in the region.",
        "Wie gefällt dir das neue Design der App? fragte der Hersteller in einer Umfrage.",
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text


def test_a_long_paragraph_that_quotes_an_appeal_stays() -> None:
    quoted = " ".join([
        "In ihrem Rundbrief schrieb die Redaktion: „Gefällt dir unser Magazin?“ und bat die Leser um Spenden.",
        "Der Medienforscher hält solche Aufrufe für ein Zeichen, dass Werbung allein viele kleine Redaktionen",
        "nicht mehr trägt; mehrere Magazine der Region hätten im vergangenen Jahr ähnliche Briefe verschickt",
        "und damit nach eigenen Angaben einige Hundert zahlende Unterstützer gewonnen.",
    ])  # over NOTICE_LINE_MAX_WORDS words: a story's paragraph, not a notice
    text = "\n".join([STORY, quoted, CLOSE])
    assert drop_marked_lines(text) == text


def test_an_appeal_that_opens_a_long_line_is_dropped() -> None:
    """Twenty-second pass: an appeal of more than NOTICE_LINE_MAX_WORDS words is still a notice when its
    phrase opens the line (ebike-mtb's 55 words); a story's paragraph quotes one in its middle."""
    appeals = [
        " ".join([
            "Hat dir dieser Artikel gefallen? Dann würde es uns sehr freuen, wenn auch du uns als Supporter mit",
            "einem monatlichen Beitrag unterstützt. Als Supporter sicherst du dem unabhängigen Radjournalismus eine",
            "nachhaltige Zukunft und sorgst dafür, dass unser Magazin auch weiter kostenlos und frei zugänglich",
            "bleibt, ohne Bezahlschranke und ohne aufdringliche Werbung! Jetzt Supporter werden und mitmachen!",
        ]),
        " ".join([
            "Support our journalism: every story on this site is free to read, with no paywall and no login,",
            "because readers like you chip in each month. Our newsroom is small and independent, and the money",
            "pays for reporters in the field, photographers and fact-checkers. If you can, give what you can today,",
            "once or every month, and help keep local news alive for everyone in the valley.",
        ]),
    ]
    text = "\n".join([STORY, CLOSE, *appeals])
    assert drop_marked_lines(text) == f"{STORY}\n{CLOSE}"


def test_a_long_story_paragraph_opening_with_the_support_of_a_group_stays() -> None:
    lines = [
        " ".join([
            "Unterstützen Sie unsere Arbeit, bat der Vorsitzende des Vereins die Gemeinderäte am Dienstagabend,",
            "und legte eine Liste mit zwölf Projekten vor, von der Hausaufgabenhilfe bis zum Mittagstisch für",
            "Senioren. Die Stadt hatte ihre Zuschüsse im vergangenen Jahr um ein Drittel gekürzt; seither fehlen",
            "dem Verein nach eigenen Angaben rund 40.000 Euro im Jahr, und zwei Stellen sind unbesetzt geblieben.",
        ]),
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text


def test_a_long_story_paragraph_that_opens_by_quoting_an_appeal_stays() -> None:
    """Review of the twenty-second pass: a media story quotes the appeal it reports on at the start of a
    paragraph (in quotation marks, or followed by who says it); the opener is a notice only unquoted and
    as its own sentence."""
    lines = [
        " ".join([
            "„Unterstützen Sie unseren Journalismus“ - so steht es seit Jahren unter jedem Artikel der Zeitung,",
            "und inzwischen zahlen nach Angaben des Verlags mehr als 40.000 Leserinnen und Leser freiwillig einen",
            "monatlichen Beitrag. Die Geschäftsführerin sagte am Mittwoch, das Modell trage die Redaktion",
            "inzwischen zu einem Drittel, die Anzeigen brächten weniger ein als noch vor fünf Jahren.",
        ]),
        " ".join([
            '"Support our journalism" has become the most common line at the foot of news sites, and the paper',
            "said on Tuesday that its own appeal now brings in more money than print advertising. About a third",
            "of its readers in the region give something each year, the company said, most of them once and a",
            "few every month, and the newsroom has hired four reporters since the appeal began.",
        ]),
        " ".join([
            "Support our journalism, the paper asks at the end of every story, and since the appeal began in",
            "2019 its newsroom has grown from twelve reporters to nineteen, the company said in its annual",
            "report on Tuesday. Advertising brought in less than a quarter of its income last year, down from",
            "half five years ago, and the print edition now appears only three days a week.",
        ]),
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text
