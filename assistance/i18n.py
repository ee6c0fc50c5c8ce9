"""Every visible string, in Chinese (default) and English.

Strings live in catalogues under `assistance/strings/`, one module per area of the app, each a dict
`STRINGS = {key: (chinese, english)}`. Keeping them in one lookup means a missing translation is a
test failure rather than a blank label in front of a user.

Labels that are reference data live with that data, not here: a measure's zh/en label is a row of
`data/measures.csv` (loaded into the `measures` table; pages read it through `PageContext.measure_names()`).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from assistance import strings as _strings_pkg

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """All keys from all catalogue modules; a key defined twice is an error, not a silent override."""
    merged: dict[str, tuple[str, str]] = {}
    for module_info in sorted(pkgutil.iter_modules(_strings_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{_strings_pkg.__name__}.{module_info.name}")
        for key, pair in module.STRINGS.items():
            if key in merged:
                raise ValueError(f"i18n key {key!r} is defined twice (again in {module_info.name})")
            merged[key] = pair
    return merged


def normalise_language(value: str | None) -> str:
    """Accept `zh`, `en` and their common spellings; anything else falls back to Chinese."""
    text = (value or "").strip().lower()
    if text.startswith("en"):
        return "en"
    return DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text for `key` in `lang`, with `{placeholders}` filled from `values`."""
    pair = catalogue()[key]
    text = pair[LANGUAGES.index(normalise_language(lang))]
    return text.format(**values) if values else text
