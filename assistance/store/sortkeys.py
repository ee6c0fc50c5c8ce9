"""Sort keys of Chinese names: every university, school, province and county name gets its pinyin, so lists sort
the way a Chinese reader looks things up (安徽 … 北京 … 上海), not by code point (上海交通大学 first).

SQL cannot compute pinyin, so the key is computed here, in Python, once per name, and stored in `name_keys`
(name → pinyin). The queries join it (analytics.queries, `scoped_pairings`) and sort on it in SQL, also for
paged tables. Names get their key where they are written: the reference load, the registry import's commit (new
schools and supporting parties) and every start (`db.migrate`), which fills in any name written another way.
A name without a key still sorts, by its characters, after the keyed ones.

The key is the tone-numbered pinyin of each character, syllables separated by a space ("bei3 jing1"), so that
syllables compare one by one (西安 xi1 an1 before 先 xian1), the same letters by tone (山西 before 陕西), and
polyphonic characters read as in their word (重庆 chong2 qing4, 长沙 chang2 sha1; pypinyin's phrase table).
Letters and digits in a name are kept, lower-cased.
"""

from __future__ import annotations

import unicodedata

import duckdb
import pyarrow as pa

from assistance.store.transaction import registered

# Every table column holding a name that a list sorts by.
NAME_COLUMNS = (("universities", "name_zh"), ("schools", "name_zh"), ("provinces", "name_zh"), ("counties", "name_zh"))


def pinyin_key(name: str) -> str:
    """The sort key of one name: "北京师范大学" → "bei3 jing1 shi1 fan4 da4 xue2"."""
    from pypinyin import Style, lazy_pinyin

    text = unicodedata.normalize("NFKC", name).strip()
    syllables = lazy_pinyin(text, style=Style.TONE3, neutral_tone_with_five=True, errors="default")
    return " ".join(part.strip().lower() for part in syllables if part.strip())


def fill_sort_keys(cur: duckdb.DuckDBPyConnection) -> int:
    """Give every name in NAME_COLUMNS that has no key yet its pinyin key; return how many were added."""
    names = " UNION ".join(f"SELECT {column} AS name FROM {table}" for table, column in NAME_COLUMNS)
    missing = [
        row[0]
        for row in cur.execute(
            f"SELECT DISTINCT name FROM ({names}) WHERE name IS NOT NULL AND name NOT IN (SELECT name FROM name_keys)"
        ).fetchall()
    ]
    if not missing:
        return 0
    keys = pa.table({"name": missing, "pinyin": [pinyin_key(name) for name in missing]})
    with registered(cur, "new_name_keys", keys):
        cur.execute("INSERT INTO name_keys SELECT name, pinyin FROM new_name_keys ON CONFLICT DO NOTHING")
    return len(missing)
