"""Strings of the registry and plan imports: file refusals (any kind of file), row errors, the command line, undo.

Row-error templates may hold `{column}` (the file's own header, filled once per file), `{value}` (the cell) and
`{candidates}` (what the value could have meant), which SQL fills for every rejected row.
"""

STRINGS = {
    # ---- where each kind of file goes (named when a file of one kind is loaded as another)
    "registry.nav": ("名册管理", "Registry"),
    "fields.kind.activities": ("活动记录", "an activity log"),
    "fields.kind.registry": ("帮扶名册", "a pairing registry"),
    "fields.kind.plans": ("一校一策计划", "a plan file"),
    # ---- file-level refusals (exit status 2)
    "fields.file.wrong_kind": (
        "第 {line} 行是{found}的表头，不是{expected}：请到“{page}”页面上传，或用 {command} 导入",
        "the header on line {line} is that of {found}, not {expected}: upload it on the {page} page, or load it "
        "with `{command}`",
    ),
    "fields.file.no_header": (
        "前 {scan} 行中找不到{kind}的表头（应含：{expected}）",
        "no header of {kind} in the first {scan} rows (expected: {expected})",
    ),
    "fields.file.missing_columns": (
        "{kind}的表头（第 {line} 行）缺少必填列：{missing}；找到的列：{found}",
        "the header of {kind} (line {line}) lacks required columns: {missing}; columns found: {found}",
    ),
    # ---- registry row errors
    "registry.err.required": ("“{column}”为必填项", "{column} is required"),
    "registry.err.too_long": ("“{column}”过长", "{column} is too long"),
    "registry.err.supporter_not_national": (
        "“{value}”不是国家示范层级的帮扶单位（48 所部属高校或创新人才教育研究会）{candidates}",
        '"{value}" is not a national-tier supporter (the 48 ministry universities or 创新人才教育研究会){candidates}',
    ),
    "registry.similar": ("；是否指：{names}？", "; did you mean {names}?"),
    "registry.err.tier_invalid": (
        "层级“{value}”无法识别（国家示范/省级/市级，或 national/provincial/municipal）",
        'tier "{value}" is not one of national/provincial/municipal (国家示范/省级/市级)',
    ),
    "registry.err.province_unknown": (
        "省份“{value}”无法识别（可填全称、简称如“甘肃”或代码如 620000）",
        'province "{value}" is unknown (write its name, short name such as 甘肃, or code such as 620000)',
    ),
    "registry.err.county_unknown": (
        "找不到县级单位“{value}”（可填全称、简称如“青龙”或 6 位行政区划代码）",
        'no county-level unit "{value}" (write its full name, a short name such as 青龙, or the 6-digit adcode)',
    ),
    "registry.err.county_not_in_province": (
        "“{value}”不在所填省份内；同名县级单位：{candidates}",
        '"{value}" is not in the province given; units of that name: {candidates}',
    ),
    "registry.err.county_ambiguous": (
        "“{value}”有多个同名县级单位：{candidates}；请填写省份或市/州列，或填写县代码",
        '"{value}" names several county-level units: {candidates}; fill in the province or city column, or the '
        "county code",
    ),
    "registry.err.county_code_unknown": (
        "县代码“{value}”不是有效的 6 位行政区划代码",
        'county code "{value}" is not a valid 6-digit adcode',
    ),
    "registry.err.county_code_mismatch": (
        "县代码“{value}”与县名不符：该代码是 {candidates}",
        'county code "{value}" does not match the county name: the code is {candidates}',
    ),
    "registry.err.school_near_duplicate": (
        "该县已有相近的学校：{candidates}，是否指这所学校？若确为另一所学校，请使名称可以区分",
        "did you mean {candidates}? That county already has a school of nearly the same name; if this is "
        "another school, make its name distinguishable",
    ),
    "registry.err.duplicate_in_file": (
        "与第 {candidates} 行是同一配对（帮扶单位、学校、层级相同），本行未导入",
        "the same pairing (supporter, school, tier) as line {candidates}; this row was not imported",
    ),
    "registry.err.date_invalid": (
        "“{column}”“{value}”不是有效日期（如 2022-09-01）",
        '{column} "{value}" is not a valid date (such as 2022-09-01)',
    ),
    "registry.err.start_required": (
        "省级、市级配对须填写“{column}”",
        "{column} is required for provincial and municipal pairings",
    ),
    "registry.err.start_after_end": (
        "开始日期 {value} 晚于协议结束日期 {candidates}",
        "start date {value} is after the end date {candidates}",
    ),
    "registry.err.end_before_start": (
        "协议结束日期 {value} 早于开始日期 {candidates}",
        "end date {value} is before the start date {candidates}",
    ),
    "registry.err.cycle_invalid": (
        "周期“{value}”应为 1 及以上的整数",
        'cycle "{value}" must be a whole number of 1 or more',
    ),
    "registry.err.confidence_invalid": (
        "可信度“{value}”应为 high/medium/low（高/中/低）",
        'confidence "{value}" must be high, medium or low (高/中/低)',
    ),
    # ---- plan row errors
    "plans.err.required": ("“{column}”为必填项", "{column} is required"),
    "plans.err.supporter_unknown": (
        "帮扶单位“{value}”不在名册中",
        'supporter "{value}" is not in the registry',
    ),
    "plans.err.place_missing": (
        "须填写受援学校或受援县",
        "the school or the county is required",
    ),
    "plans.err.pairing_unknown": (
        "该帮扶单位没有与“{value}”的配对；它的配对：{candidates}",
        'the supporter has no pairing with "{value}"; its pairings: {candidates}',
    ),
    "plans.err.pairing_ambiguous": (
        "“{value}”对应该帮扶单位的多个配对：{candidates}；请填写受援学校（或层级）",
        '"{value}" fits several pairings of the supporter: {candidates}; give the school (or the tier)',
    ),
    "plans.err.tier_invalid": (
        "层级“{value}”无法识别（国家示范/省级/市级）",
        'tier "{value}" is not one of national/provincial/municipal',
    ),
    "plans.err.school_year_invalid": (
        "学年“{value}”无法识别（如 2023、2023-2024、2023学年）",
        'school year "{value}" is not recognised (such as 2023, 2023-2024, 2023学年)',
    ),
    "plans.err.measure_unknown": (
        "帮扶举措“{value}”无法识别；可填：{candidates}",
        'measure "{value}" is unknown; use one of: {candidates}',
    ),
    "plans.err.target_invalid": (
        "目标次数“{value}”应为 0 及以上的整数",
        'target "{value}" must be a whole number of 0 or more',
    ),
    "plans.err.too_long": ("“{column}”过长", "{column} is too long"),
    "plans.err.duplicate_in_file": (
        "与第 {candidates} 行是同一计划项（配对、学年、举措相同），本行未导入",
        "the same plan entry (pairing, school year, measure) as line {candidates}; this row was not imported",
    ),
    # ---- command line
    "registry.cli.summary": (
        "{file}：{rows} 行，新增 {inserted}，更改 {changed}，未变 {unchanged}，错误 {rejected}{batch}",
        "{file}: {rows} rows, {inserted} inserted, {changed} changed, {unchanged} unchanged, {rejected} "
        "rejected{batch}",
    ),
    "registry.cli.summary_dry": (
        "{file}（预检，未写入）：{rows} 行，将新增 {inserted}，将更改 {changed}，未变 {unchanged}，错误 {rejected}",
        "{file} (dry run, nothing written): {rows} rows, {inserted} would be inserted, {changed} changed, "
        "{unchanged} unchanged, {rejected} rejected",
    ),
    "registry.cli.change": (
        "  第 {line} 行 {field}：{before} → {after}",
        "  line {line} {field}: {before} → {after}",
    ),
    "registry.cli.new_party": (
        "  新帮扶单位：{name}（{kind}）{similar}",
        "  new supporting party: {name} ({kind}){similar}",
    ),
    "registry.cli.new_schools": ("  新学校 {count} 所", "  {count} new schools"),
    "registry.cli.same_file": (
        "  这份文件已作为批次 #{batch} 导入过",
        "  this exact file was already imported as batch #{batch}",
    ),
    "registry.cli.totals": ("  已跳过合计行 {count} 行", "  skipped {count} total rows"),
    "registry.cli.exported": (
        "已将 {rows} 个配对写入 {path}（{fmt}）",
        "wrote {rows} pairings to {path} ({fmt})",
    ),
    "registry.cli.tier_unknown": (
        "层级“{tier}”无法识别（national/provincial/municipal）",
        'unknown tier "{tier}" (national/provincial/municipal)',
    ),
    # ---- demo data a commit removes (dry run) or removed (the page and the command line)
    "registry.demo.tier": (
        "{tiers}层级的示例数据将被移除：示例配对 {pairings} 个，示例计划 {plans} 项，示例活动 {activities} 条"
        "（上传的活动不受影响）",
        "demo data of the tiers {tiers} will be removed: {pairings} demo pairings, {plans} demo plan targets, "
        "{activities} demo activities (uploaded activities are kept)",
    ),
    "registry.demo.tier_done": (
        "已移除{tiers}层级的示例数据：示例配对 {pairings} 个，示例计划 {plans} 项，示例活动 {activities} 条",
        "removed the demo data of the tiers {tiers}: {pairings} demo pairings, {plans} demo plan targets, "
        "{activities} demo activities",
    ),
    "registry.demo.plans": (
        "这些配对的示例计划 {plans} 项将被移除",
        "{plans} demo plan targets of these pairings will be removed",
    ),
    "registry.demo.plans_done": (
        "已移除这些配对的示例计划 {plans} 项",
        "removed {plans} demo plan targets of these pairings",
    ),
    "registry.demo.kept": (
        "{kept} 个示例配对因已有上传的活动或计划而保留",
        "{kept} demo pairings kept: uploaded activities or plans refer to them",
    ),
    # ---- the Registry page (pages/registry.py)
    "registry.page.intro": (
        "供教育部和省级工作人员维护帮扶名册（国家示范、省级、市级配对）和“一校一策”年度计划：上传 Excel/WPS 保存的"
        " CSV、XLSX、XLS 或 ODS 文件，先预检（不写入），确认后提交。每次提交是一个批次，可以撤销。",
        "For ministry and provincial staff: load the pairing registry (national, provincial and municipal tiers) "
        "and the 一校一策 yearly plans as CSV, XLSX, XLS or ODS files saved from Excel/WPS. Check a file first "
        "(nothing is written), then commit it. Every commit is a batch that can be undone.",
    ),
    "registry.page.tab_registry": ("帮扶名册（配对）", "Pairings (registry file)"),
    "registry.page.tab_plans": ("一校一策计划", "一校一策 plans (plan file)"),
    "registry.page.format_title": ("文件格式", "File format"),
    "registry.page.format_registry": (
        "每行一个配对。列：**帮扶单位**、省份、市/州、**受援县**（全称、简称或 6 位代码）、**受援学校**、学校简称、"
        "层级（国家示范/省级/市级，默认国家示范）、协议开始日期、协议结束日期、周期、来源、可信度。\n\n"
        "配对以（帮扶单位、受援学校、层级）识别：再次导入同一配对时只更新有变化的字段；空单元格不改变已有内容；"
        "文件中没有的配对不会被删除（已结束的配对请填写协议结束日期）。导入某一层级的真实配对时，"
        "该层级的示例数据会被移除（预检时会显示数量），上传的活动记录不受影响。",
        "One row per pairing. Columns: **supporter**, province, city, **county** (full name, short name or 6-digit "
        "adcode), **school**, school short name, tier (national/provincial/municipal, default national), start "
        "date, end date, cycle, source, confidence.\n\nA pairing is identified by (supporter, school, tier): "
        "importing it again updates only the fields that changed; an empty cell leaves a field as it is; a "
        "pairing absent from the file is never deleted (give an ended pairing its end date). Real pairings of a "
        "tier replace that tier's demo data (the check says how much); uploaded activities are kept.",
    ),
    "registry.page.format_plans": (
        "每行一项年度目标。列：**帮扶高校**、**受援学校**或受援县（须确定该高校的一个配对）、**学年**（如 2025、"
        "2025-2026、2025学年：2025 年 9 月开始的学年）、**帮扶举措**、**目标次数**、备注。\n\n"
        "计划项以（配对、学年、举措）识别：同一项的新目标是一次更改，显示原值 → 新值。"
        "导入某配对的计划时，该配对的示例计划会被移除。",
        "One yearly target per row. Columns: **supporter**, **school** or county (must identify one pairing of "
        "the supporter), **school year** (2025, 2025-2026, 2025学年: the year starting in September 2025), "
        "**measure**, **target**, notes.\n\nAn entry is identified by (pairing, school year, measure): a new "
        "target for it is a change, shown before → after. Importing a pairing's plans removes its demo targets.",
    ),
    "registry.page.nothing_to_commit": (
        "这份文件没有新增或更改的内容，无需提交，也不会产生空批次。",
        "This file adds and changes nothing: there is nothing to commit, and no empty batch.",
    ),
    "registry.page.nothing_new": (
        "没有新增或更改的内容：名册中已是这些数据。",
        "Nothing new or changed: the registry already holds these rows.",
    ),
    "registry.page.metric_would_change": ("将更改", "Would change"),
    "registry.page.metric_changed": ("已更改", "Changed"),
    "registry.page.metric_unchanged": ("未变", "Unchanged"),
    "registry.page.committed": (
        "已提交为批次 #{batch}：新增 {inserted}，更改 {changed}，未变 {unchanged}，错误 {rejected}。",
        "Committed as batch #{batch}: {inserted} new, {changed} changed, {unchanged} unchanged, {rejected} rejected.",
    ),
    "registry.page.same_file": (
        "这个文件（内容完全相同）已作为批次 #{batch} 导入过。",
        "This exact file was already imported as batch #{batch}.",
    ),
    "registry.page.total_rows": ("已跳过合计行 {count} 行。", "Skipped {count} total rows."),
    "registry.page.changes_title": ("更改明细（原值 → 新值）", "Changes (before → after)"),
    "registry.page.col_what": ("配对或计划项", "Pairing or plan entry"),
    "registry.page.col_field": ("字段", "Field"),
    "registry.page.col_before": ("原值", "Before"),
    "registry.page.col_after": ("新值", "After"),
    "registry.page.field.provenance": ("数据来源", "Provenance"),
    "registry.page.plan_entry": ("配对 #{pairing} · {year} · {measure}", "pairing #{pairing} · {year} · {measure}"),
    "registry.page.new_parties_title": ("新帮扶单位（提交时创建）", "New supporting parties (created on commit)"),
    "registry.page.new_parties_note": (
        "“是否指”列出名册中名称相近的单位：如果是同一单位，请在文件中改用已有名称后重新预检。",
        '"Did you mean" lists registered parties with a close name: if one is the same party, use its '
        "registered name in the file and check again.",
    ),
    "registry.page.col_name": ("名称", "Name"),
    "registry.page.col_kind": ("类型", "Kind"),
    "registry.page.col_similar": ("是否指", "Did you mean"),
    "registry.page.party.university": ("高校", "university"),
    "registry.page.party.institution": ("机构", "institution"),
    "registry.page.party.high_school": ("中学", "high school"),
    "registry.page.new_schools_title": (
        "新受援学校 {count} 所（提交时创建）",
        "{count} new schools (created on commit)",
    ),
    "registry.page.col_school": ("学校", "School"),
    "registry.page.col_county": ("受援县", "County"),
    "registry.page.history": ("名册与计划的导入批次", "Registry and plan batches"),
    "registry.page.history_empty": ("还没有导入过名册或计划文件。", "No registry or plan file has been imported yet."),
    "registry.page.undo_confirm": (
        "确认撤销批次 #{batch}（{kind}：撤回它新增的 {inserted} 项和更改的 {changed} 项，恢复它移除的示例数据）",
        "Yes, undo batch #{batch} ({kind}: remove the {inserted} rows it added, revert the {changed} it changed, "
        "restore the demo data it removed)",
    ),
    "registry.page.kind.activities": ("活动记录", "Activities"),
    "registry.page.kind.registry": ("帮扶名册", "Registry"),
    "registry.page.kind.plans": ("一校一策计划", "Plans"),
    "upload.col_kind": ("类型", "Kind"),
    "upload.col_changed": ("更改", "Changed"),
    "upload.col_unchanged": ("未变", "Unchanged"),
    "registry.page.export_title": ("导出名册", "Export the registry"),
    "registry.page.export_caption": (
        "导出的文件与导入格式相同：修改后可以直接重新导入，未修改的配对显示为“未变”。示例配对不导出。",
        "The file is in the import format: edit it and import it again; the pairings you did not touch come "
        "back as unchanged. Demo pairings are not exported.",
    ),
    "registry.page.export_tier": ("层级", "Tier"),
    "registry.page.export_all_tiers": ("全部层级", "All tiers"),
    "registry.page.export_all_stem": ("全部", "all"),
    "registry.page.export_stem": ("帮扶名册", "registry"),
    "registry.page.export_headers": ("表头语言", "Headers"),
    "registry.page.export_headers_zh": ("中文", "Chinese"),
    "registry.page.export_headers_en": ("英文", "English"),
    "registry.page.export_csv": ("下载 CSV（{count} 个配对）", "Download CSV ({count} pairings)"),
    "registry.page.export_xlsx": ("下载 XLSX（{count} 个配对）", "Download XLSX ({count} pairings)"),
    "registry.page.export_empty": (
        "这一层级还没有真实配对（示例配对不导出）。",
        "This tier has no real pairings yet (demo pairings are not exported).",
    ),
    # ---- the scorecard: where a year's plan targets came from (plans import, demo data)
    "school.plan_source": ("计划来源：{sources}", "Plan source: {sources}"),
    "school.plan_source.batch": ("导入（批次 {batch}）", "imported (batch {batch})"),
    "school.plan_source.imported": ("导入", "imported"),
    "school.plan_source.verified": ("已核实", "verified"),
    "school.plan_source.demo": ("示例数据", "demo data"),
    "school.plan_source.none": ("无（该学年没有计划目标）", "none (no targets for this school year)"),
    # ---- a pairing's agreement: cycle and end (scorecard header, school picker)
    "school.cycle": ("第 {cycle} 周期", "cycle {cycle}"),
    "school.end.past": ("{end} 已结束", "ended on {end}"),
    "school.end.future": ("协议至 {end}", "agreement until {end}"),
    "school.outside": (
        "{label}不在协议期内（{why}），不计算按期应完成数。",
        "{label} lies outside the agreement ({why}): nothing is expected.",
    ),
    "school.pick_ended": ("（{end} 已结束）", " (ended on {end})"),
    # ---- the tier and cycle filters (sidebar, URL ?tier= and ?cycle=) and the KPI cards' tiers
    "filters.tier": ("层级", "Tier"),
    "filters.all_tiers": ("全部层级", "All tiers"),
    "filters.cycle": ("协议周期", "Agreement cycle"),
    "filters.all_cycles": ("全部周期", "All cycles"),
    "filters.cycle_value": ("第 {cycle} 周期（{first}–{last}）", "Cycle {cycle} ({first}–{last})"),
    "filters.cycle_help": (
        "按协议的三年周期查看：保留协议期与该周期有重叠的配对，以及日期在该周期内的活动。"
        "第 1 周期为 2022-09-01 至 2025-08-31，第 2 周期为 2025-09-01 至 2028-08-31。",
        "View one three-year agreement cycle: the pairings whose agreement overlaps it and the activities dated "
        "inside it. Cycle 1 runs 2022-09-01 – 2025-08-31, cycle 2 2025-09-01 – 2028-08-31.",
    ),
    "scope.tier_cycle": ("{filters}：没有这一层级或周期的配对", "{filters}: no pairing of that tier or cycle"),
    "kpi.tiers": ("计入的配对：{tiers}", "Pairings counted: {tiers}"),
    "kpi.tier_count": ("{tier} {count} 个", "{tier} {count}"),
    # ---- undo of registry and plan batches
    "registry.undo.done": (
        "已撤销批次 #{batch}（{kind}）：撤回 {changes} 项更改，恢复示例数据 {restored} 行。",
        "Undid batch #{batch} ({kind}): reverted {changes} changes, restored {restored} demo rows.",
    ),
    "registry.undo.blocked": (
        "无法撤销批次 #{batch}：{reason}",
        "cannot undo batch #{batch}: {reason}",
    ),
    "registry.undo.later_batch": (
        "之后的批次 {batches} 又修改了同样的记录，请先撤销它们",
        "later batches {batches} changed the same records; undo them first",
    ),
    "registry.undo.in_use": (
        "本批次新增的配对已有上传的活动或计划（批次 {batches}），请先撤销它们",
        "pairings this batch created have uploaded activities or plans (batches {batches}); undo those first",
    ),
}
