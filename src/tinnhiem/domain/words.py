"""Marking texts for the message catalogue where they are written (tables of labels and messages).

The domain holds the Vietnamese text only; the edges (command line, web) translate it when they show it
(``tinnhiem.i18n``). ``N_`` changes nothing: it lets Babel's extractor find the text.
"""


def N_(text: str) -> str:  # noqa: N802 - the name gettext's tools look for
    return text
