"""Outcome indicators (办学成效指标) and the leadership brief (工作简报): the outcome file's kind and row errors, the
scorecard's and the overview's outcome panels, the command line, and the brief's texts (issue 11)."""

STRINGS = {
    # ---- the kind of file (ingest.fields) and its batches
    "fields.kind.outcomes": ("办学成效指标", "an outcome file"),
    "registry.page.kind.outcomes": ("办学成效指标", "Outcomes"),
    # ---- the indicators (outcomes.indicators), their short names in tables and the brief
    "outcomes.indicator.students": ("在校生数", "In-school students"),
    "outcomes.indicator.classes": ("班级数", "Classes"),
    "outcomes.indicator.large_classes": ("56人及以上大班额班级数", "Classes of 56 or more"),
    "outcomes.indicator.teachers": ("专任教师数", "Full-time teachers"),
    "outcomes.indicator.teachers_masters": ("研究生学历教师数", "Teachers with a master's degree or more"),
    "outcomes.indicator.teachers_senior": ("高级职称教师数", "Teachers with a senior title"),
    "outcomes.indicator.teachers_left": ("流失教师数", "Teachers who left"),
    "outcomes.indicator.top_intake_local_pct": (
        "优质生源本地就读率（%）",
        "Top junior-high graduates enrolled locally (%)",
    ),
    "outcomes.indicator.undergrad_rate_pct": ("本科上线率（%）", "Undergraduate admission rate (%)"),
    "outcomes.indicator.special_line_students": ("特控线上线人数", "Students over the special-control line"),
    # ---- row errors of an outcome file ({column} is the file's own header, {value} the cell)
    "outcomes.err.required": ("“{column}”为必填项", "{column} is required"),
    "outcomes.err.school_unknown": (
        "学校“{value}”不在帮扶名册中（请先在名册中登记该校，或填写受援县以区分同名学校）",
        'school "{value}" is not in the registry (register it first, or give its county to tell schools of the '
        "same name apart)",
    ),
    "outcomes.err.school_ambiguous": (
        "名册中有多所学校叫“{value}”：{candidates}；请填写受援县",
        'several schools of the registry are called "{value}": {candidates}; give the county',
    ),
    "outcomes.err.outside_scope": (
        "学校“{value}”不在您的范围内，本行未导入",
        'school "{value}" is outside your scope; this row was not imported',
    ),
    "outcomes.err.school_year_invalid": (
        "学年“{value}”无法识别（如 2023、2023-2024、2023—24、2023学年）",
        'school year "{value}" is not recognised (such as 2023, 2023-2024, 2023—24, 2023学年)',
    ),
    "outcomes.err.before_baseline": (
        "学年“{value}”早于基线学年 2021–22",
        'school year "{value}" is before the 2021–22 baseline year',
    ),
    "outcomes.err.future_year": (
        "学年“{value}”尚未开始",
        'school year "{value}" has not started yet',
    ),
    "outcomes.err.no_figures": (
        "本行没有任何指标数值（空单元格表示缺失，不是零）",
        "this row gives no figure at all (an empty cell is missing, not zero)",
    ),
    "outcomes.err.duplicate_in_file": (
        "与第 {candidates} 行是同一学校、同一学年，本行未导入",
        "the same school and school year as line {candidates}; this row was not imported",
    ),
    "outcomes.err.count_negative": (
        "“{column}”为“{value}”：人数、班级数不能为负数",
        '{column} is "{value}": a count cannot be negative',
    ),
    "outcomes.err.count_invalid": (
        "“{column}”为“{value}”：应为 0 及以上的整数",
        '{column} is "{value}": it must be a whole number of 0 or more',
    ),
    "outcomes.err.rate_range": (
        "“{column}”为“{value}”：比率应在 0 到 100 之间",
        '{column} is "{value}": a rate must lie between 0 and 100',
    ),
    "outcomes.err.rate_invalid": (
        "“{column}”为“{value}”：应为 0 到 100 的数字（如 85 或 85%）",
        '{column} is "{value}": it must be a number from 0 to 100 (such as 85 or 85%)',
    ),
    "outcomes.err.exceeds_classes": (
        "“{column}”多于班级数（{value}）",
        "{column} is more than the classes ({value})",
    ),
    "outcomes.err.exceeds_teachers": (
        "“{column}”多于专任教师数（{value}）",
        "{column} is more than the full-time teachers ({value})",
    ),
    "outcomes.err.too_long": ("“{column}”过长", "{column} is too long"),
    # ---- demo outcomes a commit removes (dry run) or removed
    "outcomes.demo": (
        "这些学校的示例成效数据 {rows} 行将被移除（真实数据不与示例数据混合）",
        "{rows} demo outcome rows of these schools will be removed (real figures never mix with demo ones)",
    ),
    "outcomes.demo_done": (
        "已移除这些学校的示例成效数据 {rows} 行",
        "removed {rows} demo outcome rows of these schools",
    ),
    "outcomes.undo.done": (
        "已撤销批次 #{batch}（办学成效指标）：撤回 {changes} 行，恢复被替换的 {restored} 行（示例数据或此前的版本）",
        "Undid batch #{batch} (an outcome file): withdrew {changes} rows, restored the {restored} rows it had replaced "
        "(demo rows or earlier versions)",
    ),
    # ---- the scorecard's panel (web.outcome_sections.scorecard_panel)
    "outcomes.panel.title": ("办学成效指标", "Outcome indicators"),
    "outcomes.panel.none": (
        "本校尚无办学成效数据。学校或帮扶高校可在“名册管理”页导入办学成效指标文件（每校每学年一行）。",
        "No outcome figures for this school yet. The school or its university can import an outcome file (one row "
        "per school and school year) on the Registry page.",
    ),
    "outcomes.panel.caption": (
        "以 2021–22 学年为基线，逐年列出本校的指标；“—”表示该年没有数据（缺失，不按零计算）。"
        "“变化”是最新一年与基线之差。",
        "From the 2021–22 baseline year on, each school year's figures; — marks a year without a figure (missing, "
        "never counted as zero). Change is the latest year against the baseline.",
    ),
    "outcomes.no_ranking": (
        "升学指标（本科上线率、特控线上线人数）只与学校自己的基线比较，不用于学校排序或排名（县中振兴行动计划要求不以升学率"
        "给学校排名）。",
        "Admission results (the undergraduate admission rate, students over the special-control line) are compared "
        "with the school's own baseline only, never used to sort or rank schools (the county high school "
        "revitalisation plan forbids ranking schools by admission rates).",
    ),
    "outcomes.demo_badge": ("示例", "Sample"),
    "outcomes.demo_help": (
        "含示例数据：为演示而生成的成效数字，不是学校报送的真实数据。",
        "Contains demo figures generated for the demonstration, not figures a school reported.",
    ),
    "outcomes.col.indicator": ("指标", "Indicator"),
    "outcomes.col.baseline": ("基线 {year}", "Baseline {year}"),
    "outcomes.col.latest": ("最新", "Latest"),
    "outcomes.latest_value": ("{value}（{year}）", "{value} ({year})"),
    "outcomes.years_title": ("逐年数据", "Figures by school year"),
    "outcomes.col.change": ("变化（最新 − 基线）", "Change (latest − baseline)"),
    "outcomes.col.trend": ("趋势", "Trend"),
    "outcomes.col.threshold": ("政策要求", "Policy threshold"),
    "outcomes.panel.threshold_note": (
        "政策要求：消除{size}人及以上的大班额（目标为 0）；其他指标没有统一的政策阈值。",
        "Policy threshold: eliminate classes of {size} or more (target 0); the other indicators have no common "
        "threshold.",
    ),
    "outcomes.points": ("{value} 个百分点", "{value} pp"),
    "outcomes.change": ("{amount}（{moved}）", "{amount} ({moved})"),
    "outcomes.moved.improved": ("好转", "improved"),
    "outcomes.moved.same": ("持平", "same"),
    "outcomes.moved.declined": ("变差", "declined"),
    "outcomes.moved.rose": ("上升", "rose"),
    "outcomes.moved.fell": ("下降", "fell"),
    "outcomes.threshold.large_classes": ("目标 0", "0"),
    "outcomes.threshold.met": ("{target}：已达到", "{target}: met"),
    "outcomes.threshold.not_met": ("{target}：未达到（{value}）", "{target}: not met ({value})"),
    "outcomes.threshold.unknown": ("{target}：无数据", "{target}: no figure"),
    # ---- the overview's panel (web.outcome_sections.overview_panel) and the brief's
    "outcomes.overview.title": ("办学成效：与基线学年相比", "Outcomes since the baseline year"),
    "outcomes.overview.none": (
        "当前范围内的学校还没有办学成效数据。",
        "No school in view has outcome figures yet.",
    ),
    "outcomes.overview.caption": (
        "基线 {baseline} 学年 → 最新 {latest} 学年：当前范围内 {schools} 所学校中，{reporting} 所有成效数据。"
        "每个指标分别统计比基线好转、持平、变差的学校数（只计数，不排名）；缺少基线或之后年份数据的学校计入“缺少数据”。",
        "Baseline school year {baseline} → latest {latest}: {reporting} of the {schools} schools in view have "
        "outcome figures. "
        "Each indicator counts the schools that improved, stayed the same or declined against their baseline "
        "(counts, not a ranking); a school without a baseline or a later figure counts under Missing.",
    ),
    "outcomes.overview.neutral": ("{name}（无好坏之分：上升 / 下降）", "{name} (no better direction: rose / fell)"),
    "outcomes.overview.col.indicator": ("指标", "Indicator"),
    "outcomes.overview.col.compared": ("可比较的学校", "Schools compared"),
    "outcomes.overview.col.improved": ("好转", "Improved"),
    "outcomes.overview.col.same": ("持平", "Same"),
    "outcomes.overview.col.declined": ("变差", "Declined"),
    "outcomes.overview.col.missing": ("缺少数据", "Missing"),
    # ---- the Registry page's outcome tab
    "registry.page.tab_outcomes": ("办学成效指标", "Outcomes (outcome file)"),
    "registry.page.format_outcomes": (
        "每行一所学校、一个学年，列与学校的 Excel 台账相同：**受援学校**（同名时加受援县）、**学年**（如 2023、"
        "2023-2024、2023—24、2023学年：2023 年 9 月开始的学年；基线为 2021 学年）、在校生数、班级数、"
        "56人及以上班级数、专任教师数、研究生学历教师数、高级职称教师数、流失教师数、优质生源本地就读率、本科上线率、"
        "特控线上线人数、备注。\n\n"
        "人数和班级数为 0 及以上的整数；比率为 0–100（“85%”即 85，Excel 的百分比单元格按显示的数值读取）；"
        "56人及以上班级数不超过班级数，研究生学历、高级职称教师数不超过专任教师数。空单元格表示缺失，不是零，"
        "也不会覆盖已有数值。以（学校、学年）识别：再次导入时显示原值 → 新值。"
        "导入某校的数据时，该校的示例数据会被移除。"
        "帮扶高校可导入其配对学校的数据，学校可导入本校的数据。",
        "One row per school and school year, with the columns of a school's Excel sheet: **school** (with the "
        "county when names repeat), **school year** (2023, 2023-2024, 2023—24, 2023学年: the year starting in "
        "September 2023; the baseline is 2021), in-school students, classes, classes of 56 or more, full-time "
        "teachers, teachers with a master's degree, teachers with a senior title, teachers who left, top intake "
        "enrolled locally, undergraduate admission rate, students over the special-control line, notes.\n\n"
        "Counts are whole numbers of 0 or more; rates 0–100 (`85%` is 85, an Excel percent cell reads as shown); "
        "large classes may not exceed classes, master's and senior teachers not the full-time teachers. An empty "
        "cell is missing, not zero, and leaves a stored figure as it is. A row is identified by (school, school "
        "year): importing it again shows before → after. A school's figures replace its demo figures. A "
        "university imports its schools' figures, a school its own.",
    ),
    # ---- the brief (assistance.brief)
    "brief.button.pdf": ("下载简报（PDF）", "Download brief (PDF)"),
    "brief.button.html": ("下载简报（HTML）", "Download brief (HTML)"),
    "brief.button.caption": (
        "按当前筛选条件生成的工作简报，一至两页，可直接转发。",
        "The brief of the current filters, one or two pages, ready to forward.",
    ),
    "brief.button.no_font": (
        "服务器缺少中文字体，无法生成 PDF（请安装 fonts-wqy-microhei）；HTML 版本可用。",
        "The server has no Chinese font for the PDF (install fonts-wqy-microhei); the HTML brief works.",
    ),
    "brief.button.caption_pairing": (
        "本配对（此高校与此学校）的工作简报，按当前筛选的周期、时段和举措，可直接转发。",
        "The brief of this pairing (this university and this school) for the current cycle, period and measure, "
        "ready to forward.",
    ),
    "brief.file_stem": ("工作简报", "brief"),
    "brief.title": ("部属高校县中托管帮扶工作简报", "County High School Trusteeship Programme: Brief"),
    "brief.subtitle": ("范围：{filters} · 生成日期：{today}", "Scope: {filters} · Made on {today}"),
    "brief.demo_mark": ("示例数据", "示例数据 Sample data"),
    "brief.demo_note": (
        "示例数据：本简报包含为演示生成的示例配对、活动或成效数据，不是官方统计。",
        "示例数据 / Sample data: this brief includes demo pairings, activities or outcome figures generated for the "
        "demonstration; they are not official statistics.",
    ),
    "brief.footer": (
        "县中托管帮扶跟踪指导平台 · {today}",
        "County high school trusteeship tracker · {today}",
    ),
    "brief.empty": (
        "所选范围内没有帮扶配对，因此没有可汇报的数据。请调整筛选条件后重新生成。",
        "There is no pairing in the chosen scope, so there is nothing to report. Change the filters and make the "
        "brief again.",
    ),
    "brief.source": (
        "数据来源：平台数据库，按与平台页面相同的口径和筛选条件计算（活动数、参与人次为所选时段；"
        "“近 60 天活跃”截至生成日期）。",
        "Source: the platform's database, computed as the platform's pages compute them for the same filters "
        "(activities and participations in the chosen period; active in the last 60 days as of the day made).",
    ),
    "brief.corps": ("新疆生产建设兵团", "Xinjiang Corps (XPCC)"),
    "brief.section.coverage": ("覆盖与活动", "Coverage and activity"),
    "brief.section.provinces": ("分省情况", "By province"),
    "brief.section.measures": ("各帮扶举措的活动", "Activities by measure"),
    "brief.section.attention": ("需要关注的配对", "Pairings that need attention"),
    "brief.section.outcomes": ("办学成效", "Outcomes"),
    "brief.section.problems": ("困难问题（未解决 / 逾期）", "Problems (open / overdue)"),
    "brief.kpi.pairings": ("帮扶配对", "Pairings"),
    "brief.kpi.universities": ("帮扶高校", "Supporting universities"),
    "brief.kpi.provinces": ("覆盖省份", "Provinces covered"),
    "brief.kpi.provinces_value": ("{covered} / {total}", "{covered} / {total}"),
    "brief.kpi.provinces_corps": ("{covered} / {total} + 兵团", "{covered} / {total} + Corps"),
    "brief.kpi.active_share": ("近 60 天活跃", "Active, last 60 days"),
    "brief.kpi.active_note": ("{active} 个配对有活动", "{active} pairings with an activity"),
    "brief.kpi.activities": ("帮扶活动", "Activities"),
    "brief.kpi.teachers": ("教师参与人次", "Teacher participations"),
    "brief.kpi.students": ("学生参与人次", "Student participations"),
    "brief.kpi.in_period": ("所选时段", "in the chosen period"),
    "brief.kpi.this_semester": ("本学期活动", "This semester"),
    "brief.kpi.semester_note": ("较上学期同期 {delta}", "{delta} on last semester to date"),
    "brief.province.province": ("省份", "Province"),
    "brief.province.pairings": ("配对", "Pairings"),
    "brief.province.schools": ("学校", "Schools"),
    "brief.province.activities": ("活动", "Activities"),
    "brief.province.active": ("60 天活跃", "Active 60 d"),
    "brief.measures_note": ("所选时段内各举措的活动数。", "Activities of each measure in the chosen period."),
    "brief.attention.none": ("当前没有需要关注的配对。", "No pairing needs attention today."),
    "brief.attention.summary": (
        "{pairings} 所学校需要关注：从未报送 {never} 所，{days} 天以上无活动 {silent} 所，{below} 项举措低于按期计划的 "
        "{amber}%。下表为按严重程度排列的前 {shown} 项。",
        "{pairings} schools need attention: {never} never reported, {silent} without activity for {days}+ days, "
        "{below} measures below {amber}% of their pro-rata plan. The first {shown} by severity:",
    ),
    "brief.attention.university": ("帮扶高校", "University"),
    "brief.attention.school": ("受援学校", "School"),
    "brief.attention.reason": ("原因", "Reason"),
    "brief.attention.measure": ("举措", "Measure"),
    "brief.attention.last": ("上次活动", "Last activity"),
    "brief.map.title_national": ("{metric}（按省份）", "{metric} by province"),
    "brief.map.title_counties": ("{metric}（按区县）", "{metric} by county"),
    "brief.section.cases": ("最新部级遴选典型经验", "Newest good practice selected by the ministry"),
    "brief.cases.none": (
        "当前范围内尚无部级遴选的典型经验案例。",
        "No good-practice case of this scope has been selected by the ministry yet.",
    ),
    "brief.cases.title": ("案例", "Case"),
    "brief.cases.pairs": ("高校 – 学校", "University – school"),
    "brief.cases.measures": ("帮扶举措", "Measures"),
    "brief.cases.date": ("遴选日期", "Selected on"),
    "brief.problems.none": ("当前范围内没有未解决的困难问题。", "No open problem in this scope."),
    "brief.problems.category": ("类别", "Category"),
    "brief.problems.open": ("未解决", "Open"),
    "brief.problems.overdue": ("逾期", "Overdue"),
    "brief.err.no_font": (
        "找不到中文字体，无法生成 PDF 简报：请安装 fonts-wqy-microhei（apt-get install fonts-wqy-microhei），"
        "或用环境变量 ASSISTANCE_BRIEF_FONT 指定一个 .ttf/.ttc 字体文件；也可改为生成 .html",
        "no Chinese font for the PDF brief: install fonts-wqy-microhei (apt-get install fonts-wqy-microhei), or "
        "name a .ttf/.ttc font file in ASSISTANCE_BRIEF_FONT; or write a .html brief instead",
    ),
    "brief.err.font_unusable": (
        "ASSISTANCE_BRIEF_FONT 指定的字体“{path}”不存在或不是 .ttf/.ttc 文件",
        'the font "{path}" named by ASSISTANCE_BRIEF_FONT does not exist or is not a .ttf/.ttc file',
    ),
    # ---- the command line (cli.outcomes)
    "brief.cli.written": ("已生成简报 {path}（{size}，{seconds} 秒）", "wrote the brief {path} ({size}, {seconds} s)"),
    "brief.cli.format": (
        "无法识别输出格式“{path}”：请使用 .pdf 或 .html",
        'cannot tell the format of "{path}": use .pdf or .html',
    ),
    "brief.cli.university_unknown": ("名录中没有帮扶高校“{name}”", 'unknown university "{name}"'),
    "brief.cli.province_unknown": ("省份“{province}”无法识别", 'unknown province "{province}"'),
    "brief.cli.period_unknown": (
        "时段“{period}”无法识别（如 2025、2025-autumn、2025-spring）",
        'unknown period "{period}" (such as 2025, 2025-autumn, 2025-spring)',
    ),
}
