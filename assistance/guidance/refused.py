"""A save the guidance rules refuse, said in the UI language: the one shape of ProblemRefused and CaseRefused."""

from __future__ import annotations

from typing import ClassVar

from assistance.i18n import t


class Refused(ValueError):
    """`code` names the rule (strings `<prefix>.err.<code>`), `values` fill its message; a status among them is
    shown by its label (`<prefix>.status.<code>`)."""

    prefix: ClassVar[str]

    def __init__(self, code: str, **values: object):
        super().__init__(code)
        self.code = code
        self.values = values

    def message(self, lang: str) -> str:
        values = dict(self.values)
        for key in ("status", "from_status", "to_status"):
            if values.get(key):
                values[key] = t(f"{self.prefix}.status.{values[key]}", lang)
        return t(f"{self.prefix}.err.{self.code}", lang, **values)
