"""Twenty-third pass: the banner a site shows to a browser it no longer supports is a notice, in the
languages news is written in, up to 100 words (`markedlines.BROWSER_NOTICES`; docs/extraction.md,
"Twenty-third pass, text"). Lines written by hand."""

from __future__ import annotations

from newsflow.refine import drop_marked_lines

STORY = "The county council approved the new bus routes on Tuesday evening after a two-hour debate."
CLOSE = "The first buses on the new routes will run in March, the council said."


def test_a_banner_for_an_unsupported_browser_is_dropped() -> None:
    banners = [
        "You are using an outdated browser. Please upgrade your browser to improve your experience and security.",
        " ".join([  # 52 words, over the 50-word notice limit
            "Thank you for visiting example.com. You are using a browser version with limited support for CSS.",
            "To obtain the best experience, we recommend you use a more up to date browser (or turn off",
            "compatibility mode in Internet Explorer). In the meantime, to ensure continued support, we are",
            "displaying the site without styles and JavaScript.",
        ]),
        "Hinweis: Sie verwenden einen Browser, der für die Darstellung moderner Websites kaum mehr zu gebrauchen ist.",
        "Sie verwenden einen veralteten Browser. Bitte aktualisieren Sie ihn, um alle Funktionen zu nutzen.",
        "Votre navigateur est obsolète : mettez-le à jour pour profiter pleinement du site.",
        "Estás usando un navegador obsoleto. Actualízalo para ver esta web correctamente.",
    ]
    text = "\n".join([STORY, *banners, CLOSE])
    assert drop_marked_lines(text) == f"{STORY}\n{CLOSE}"


def test_story_lines_about_old_browsers_stay() -> None:
    lines = [
        "Users of outdated browsers are most at risk, the agency said, and urged them to update at once.",
        "The company said its browser is out of support on older phones from next month.",
        "Viele Nutzer verwenden einen veralteten Browser, warnte das Bundesamt am Dienstag.",
        "Le navigateur obsolète reste installé sur un ordinateur sur dix, selon l'étude.",
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text


def test_story_lines_quoting_or_supposing_the_banners_words_stay() -> None:
    """Review: a security story quotes the fake banner or supposes the reader's browser is old; the banner's
    words there do not open the line (nor a sentence of it), so the line is the story's."""
    lines = [
        "If your browser is out of date, attackers can exploit the flaw by luring you to a malicious page, they said.",
        "Hackers show a fake pop-up that reads \"Your browser is out of date\" to trick users into installing malware.",
        "\"You are using an outdated browser\" is the warning the fake update pages show most, says Proofpoint.",
        "Si votre navigateur n'est plus à jour, vous êtes exposé à cette faille, prévient l'Anssi mardi.",
        "Según Incibe, si está utilizando un navegador obsoleto, los atacantes pueden tomar el control del equipo.",
        "Se stai utilizzando un browser obsoleto, aggiornalo subito, avverte la Polizia Postale.",
        "Das BSI warnt: Wer glaubt, Sie verwenden einen veralteten Browser, sei nur ein Werbetrick, irrt sich.",
    ]
    text = "\n".join([STORY, *lines, CLOSE])
    assert drop_marked_lines(text) == text
