"""Stop words per language: the commonest function words, left out of the search index.

Short lists on purpose (articles, pronouns, auxiliaries, prepositions, conjunctions): BM25
already gives frequent words little weight, and a short list keeps phrase queries such as
"state of the union" answerable (their stop words are skipped, the others matched in order).
"""

from __future__ import annotations

_LISTS = {
    "en": "a an and are as at be been but by for from had has have he her his i if in into is it its "
          "of on or our she so than that the their them they this those to was we were which who will with you",
    "de": "aber als am an auch auf aus bei bin bis da das dass dem den der des die doch du ein eine einem einen "
          "einer eines er es für hat hatte ich ihr im in ist ja mit nach nicht noch nur oder sich sie sind so "
          "über um und uns von vor war wie wir wird zu zum zur",
    "fr": "au aux avec ce ces dans de des du elle en est et il ils je la le les leur lui mais me même nous on "
          "ou par pas pour qu que qui sa se ses son sur ta te tu un une vous été être a ont sont",
    "es": "a al como con de del el ella en es esta este fue ha la las lo los más mi no o para pero por que se "
          "sin su sus también un una y ya son está han",
    "it": "a ad al alla alle che chi con da dal dalla dei del della di e gli ha i il in la le lo ma nel nella "
          "non o per più si sono su sul tra un una è",
    "pt": "a ao as com como da das de do dos e ela ele em entre foi mais mas na nas no nos o os ou para pela "
          "pelo por que se sem seu sua são também um uma é",
    "nl": "aan al bij dan dat de die dit een en er had heeft het hij in is je maar met na naar niet nog of om "
          "ook op te tot uit van voor was wat we wel werd zijn ze zich",
}

STOP_WORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in _LISTS.items()}
