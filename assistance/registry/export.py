"""Registry export in the import format (docs/contracts.md, "Registry file"): exporting and importing the file
again changes nothing.

Every real pairing (verified and imported; demo pairings are not the registry and are left out, so that a
re-import never turns them into real ones), one row each, with the county's adcode so that no name is ambiguous
on the way back. Headers and tier names are Chinese (or English with lang='en'); both import alike.
"""

from __future__ import annotations

import io
from pathlib import Path

import duckdb

from assistance.access.scope import NATIONAL, SCOPED_PAIRING_IDS, Scope
from assistance.export.writers import csv_bytes, write_xlsx
from assistance.ingest.fields import REGISTRY
from assistance.registry import places
from assistance.store.transaction import cursor

# (field, Chinese header, English header): the registry file's columns, in the order an export writes them; the
# Chinese header is the field's first name in the import's spec (ingest.fields.REGISTRY), so an export always
# reads back. The province is written by name, not code.
COLUMNS = tuple((f, REGISTRY.field_label(f, "zh"), f) for f in REGISTRY.fields if f != "province_code")
TIER_LABELS = {"national": "国家示范", "provincial": "省级", "municipal": "市级"}
TIERS = tuple(TIER_LABELS)


def registry_rows(
    con: duckdb.DuckDBPyConnection, tier: str | None = None, lang: str = "zh", scope: Scope = NATIONAL
) -> list[tuple]:
    """The real pairings (of `tier`, or all) inside `scope` (access.scope), in pairing order, as rows of the import
    format."""
    with cursor(con) as cur:
        rows = cur.execute(
            f"""SELECT p.pairing_id, u.name_zh, pr.name_zh, c.city_zh, c.name_zh, s.county_adcode, s.name_zh,
                p.tier, p.start_date, p.end_date, p.cycle, p.source, p.confidence,
                list_sort(list(a.alias) FILTER (a.alias IS NOT NULL)) AS aliases
            FROM pairings p JOIN universities u USING (university_id) JOIN schools s USING (school_id)
            LEFT JOIN counties c ON c.adcode = s.county_adcode LEFT JOIN provinces pr ON pr.code = c.province_code
            LEFT JOIN school_aliases a ON a.school_id = s.school_id
            WHERE p.provenance <> 'demo' AND (CAST($tier AS VARCHAR) IS NULL OR p.tier = $tier)
              AND p.pairing_id IN ({SCOPED_PAIRING_IDS})
            GROUP BY ALL ORDER BY p.pairing_id""",
            {"tier": tier} | scope.params(),
        ).fetchall()
    out = []
    for (_id, supporter, province, city, county, adcode, school, tier_code, start, end, cycle, source, confidence,
         aliases) in rows:  # fmt: skip
        own = places.fold(school)
        shorts = sorted((a for a in aliases or [] if a != own), key=lambda a: (len(a), a))
        tier_text = TIER_LABELS[tier_code] if lang == "zh" else tier_code
        city = None if city in (province, county) else city
        out.append(
            (supporter, province, city, county, adcode, school, shorts[0] if shorts else None, tier_text, start, end,
             cycle, source, confidence)
        )  # fmt: skip
    return out


def export_registry(
    con: duckdb.DuckDBPyConnection, fmt: str, tier: str | None = None, lang: str = "zh", scope: Scope = NATIONAL
) -> tuple[bytes, int]:
    """The registry as CSV (UTF-8 with BOM) or XLSX bytes, and the number of pairings written."""
    rows = registry_rows(con, tier, lang, scope)
    headers = [zh if lang == "zh" else en for _f, zh, en in COLUMNS]
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(headers, rows, buffer, "名册" if lang == "zh" else "registry")
        return buffer.getvalue(), len(rows)
    text_rows = [[None if v is None else (v.isoformat() if hasattr(v, "isoformat") else v) for v in r] for r in rows]
    return csv_bytes(headers, text_rows), len(rows)


def write_registry(con: duckdb.DuckDBPyConnection, output: Path, fmt: str, tier: str | None = None) -> int:
    """Write the export to `output` (beside it first, then moved into place); returns the pairings written."""
    data, count = export_registry(con, fmt, tier)
    partial = output.with_name(output.name + ".partial")
    partial.write_bytes(data)
    partial.replace(output)
    return count
