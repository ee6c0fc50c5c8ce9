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
    "registry.cli.demo": (
        "  {tiers}层级的示例数据将被移除：示例配对 {pairings}，示例计划 {plans} 项，示例活动 {activities} 条"
        "（上传的活动不受影响）",
        "  demo data of the {tiers} tier will be removed: {pairings} demo pairings, {plans} demo plan targets, "
        "{activities} demo activities (uploaded activities are kept)",
    ),
    "registry.cli.demo_done": (
        "  已移除{tiers}层级的示例数据：示例配对 {pairings}，示例计划 {plans} 项，示例活动 {activities} 条",
        "  removed the demo data of the {tiers} tier: {pairings} demo pairings, {plans} demo plan targets, "
        "{activities} demo activities",
    ),
    "registry.cli.demo_plans": (
        "  这些配对的示例计划 {plans} 项将被移除",
        "  {plans} demo plan targets of these pairings will be removed",
    ),
    "registry.cli.demo_plans_done": (
        "  已移除这些配对的示例计划 {plans} 项",
        "  removed {plans} demo plan targets of these pairings",
    ),
    "registry.cli.demo_kept": (
        "  {kept} 个示例配对因已有上传的活动或计划而保留",
        "  {kept} demo pairings kept: uploaded activities or plans refer to them",
    ),
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
