"""User-supplied text (file names, cells, messages) inside Streamlit elements that render markdown
(captions, status labels, alerts): escaped so it is shown as typed, never as markup."""

from __future__ import annotations

import re

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """`text` for a markdown element: every markdown character escaped."""
    return _MARKDOWN.sub(r"\\\1", str(text))
