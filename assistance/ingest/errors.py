"""The one error an import raises about a file as a whole.

Its own module because every stage of the import raises it (reading, decoding, finding the header) and the
page and the command line catch it, so it must sit below all of them.
"""

from __future__ import annotations

from assistance.i18n import t


class IngestFileError(Exception):
    """The file as a whole cannot be used (exit status 2): unreadable, unknown format, no header…"""

    def __init__(self, code: str, **params: object):
        self.code = code
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        """The reason in `lang`; a parameter may be a function of the language (a list joined the local way)."""
        params = {key: (value(lang) if callable(value) else value) for key, value in self.params.items()}
        return t(f"ingest.file.{self.code}", lang, **params)
