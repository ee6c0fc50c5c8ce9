"""Names of downloaded files: whole words, characters every system accepts, in the page's language.

A name is built from its parts (a university or school, what the file holds, today's date) in the UI language.
In Chinese, Chinese names stay as they are; in English, Chinese names (schools have no English name) are written
in pinyin, so that an English page never hands out a half-Chinese name. Nothing is cut mid-word: a name that is
too long loses whole words at its end, never its date.
"""

from __future__ import annotations

import re
import unicodedata

MAX_STEM = 120  # characters; well below every file system's limit, with room for a suffix and an extension

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')  # what Windows forbids, and control characters
_SPACES = re.compile(r"[\s,，、;；]+")
_DATE_END = re.compile(r"_\d{4}-\d{2}-\d{2}$")


def romanise(text: str) -> str:
    """Chinese characters as pinyin without tones, one capitalised word per run: 恩玲中学 → Enlingzhongxue."""
    from pypinyin import lazy_pinyin

    return _HAN.sub(lambda run: "".join(lazy_pinyin(run.group())).capitalize(), text)


def safe_stem(stem: str, lang: str) -> str:
    """`stem` as a file name without extension: safe characters, words joined by "-", parts by "_"."""
    text = unicodedata.normalize("NFKC", stem)
    text = _NOT_ASCII_SAFE.sub("-", romanise(text)) if lang == "en" else _SPACES.sub("-", _UNSAFE.sub("", text))
    text = re.sub(r"-*_-*", "_", re.sub(r"-{2,}", "-", text)).strip("-._")
    return _shorten(text) or "export"


def _shorten(text: str) -> str:
    """At most MAX_STEM characters, cut after a whole word, the date at the end kept."""
    if len(text) <= MAX_STEM:
        return text
    date_part = _DATE_END.search(text)
    suffix = date_part.group() if date_part else ""
    body = text[: len(text) - len(suffix)]
    room = MAX_STEM - len(suffix)
    cut = max(body.rfind("-", 0, room + 1), body.rfind("_", 0, room + 1))
    return (body[:cut] if cut > 0 else body[:room]).rstrip("-_") + suffix
