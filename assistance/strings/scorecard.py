"""Strings of the coordinator and school views: universities page, 一校一策 scorecard, needs attention,
exports (issue 4)."""

STRINGS = {
    # Universities page
    "univ.pick_label": ("选择帮扶高校", "Choose universities"),
    "univ.pick_placeholder": ("输入高校名称搜索…", "Type a university name…"),
    "univ.pick_help": (
        "与左侧“帮扶高校”筛选相同；所选高校写入网址，可直接分享链接。",
        "Same as the University filter in the sidebar; the choice is written into the link you can share.",
    ),
    "univ.all_title": ("全部高校", "All universities"),
    "univ.all_caption": (
        "尚未选择高校：下表列出当前筛选下的全部帮扶高校。点击“查看”或在上方选择高校，查看其帮扶学校。",
        "No university chosen: the table lists every university in view. Click “Open” or choose above to "
        "see a university's schools.",
    ),
    "univ.open": ("查看", "Open"),
    "univ.parties_note": (
        "本表共 {rows} 行：{universities} 所部属高校，另有 {others}。它不是高校，"
        "所以总览的“帮扶高校”只计 {universities} 所。",
        "This list has {rows} rows: {universities} ministry universities and {others}, which is not a university; "
        "so the overview counts {universities} universities.",
    ),
    "univ.party": ("{name}（{kind}）", "{name} ({kind})"),
    "party.kind.institution": ("机构", "an institution"),
    "party.kind.high_school": ("中学", "a high school"),
    "party.kind.university": ("高校", "a university"),
    "univ.metric.pairings": ("帮扶学校", "Schools supported"),
    "univ.metric.activities": ("活动数", "Activities"),
    "univ.metric.teachers": ("教师参与人次", "Teacher participations"),
    "univ.metric.students": ("学生参与人次", "Student participations"),
    "univ.metric.attention": ("需关注学校", "Schools needing attention"),
    "univ.reach_caption": (
        "活动数和人次按当前筛选（时段、举措）统计；人次为各次活动参与人数之和，同一人多次参与重复计数。",
        "Activities and participations follow the current filters (period, measure); participations add "
        "up each activity's participants, so a person who takes part twice counts twice.",
    ),
    "univ.pairings": ("帮扶学校", "Schools supported"),
    "univ.pairings_caption": (
        "最近活动、距今天数和状态为截至 {today}、全部举措；点击“记分卡”查看该校的一校一策记分卡。",
        "Last activity, days since and status are as of {today}, over all measures; click “Scorecard” "
        "for the school's one-school-one-policy scorecard.",
    ),
    "univ.by_measure": ("各举措活动数", "Activities by measure"),
    "univ.timeline": ("活动时间线（按月）", "Timeline (activities per month)"),
    "univ.timeline_caption": (
        "每格为该校当月的活动数；空白表示当月没有活动记录。",
        "Each cell is a school's activities in that month; blank means no activity was recorded.",
    ),
    "univ.timeline_total_caption": (
        "学校较多（{count} 所），按举措显示每月活动总数；选择高校可查看逐校时间线。",
        "Many schools in view ({count}): monthly totals by measure; choose universities to see one row per school.",
    ),
    "univ.chart.month": ("月份", "Month"),
    "univ.chart.activities": ("活动数", "Activities"),
    "univ.chart.measure": ("帮扶举措", "Measure"),
    "univ.chart.school": ("受援学校", "School"),
    "univ.no_activities": ("当前筛选下没有活动记录。", "No activities match the current filters."),
    "univ.no_pairings": ("当前筛选下没有帮扶学校。", "No pairings match the current filters."),
    "univ.exports": ("导出活动明细", "Export the activities"),
    "univ.export.activities": ("活动明细（每条活动一行，{count} 行）", "Activities (one row each, {count} rows)"),
    "univ.export.pairings": ("帮扶学校列表", "Schools supported"),
    "univ.export.universities": ("高校概览", "Universities"),
    # School scorecard
    "school.pick_label": ("受援学校", "School"),
    "school.pick_placeholder": (
        "输入学校、县、省份或帮扶单位名称搜索…",
        "Type a school, county, province or supporting party…",
    ),
    "school.pick_help": (
        "每个选项写明受援学校、帮扶单位、省份和县，输入其中任何一个名称（或其中几个字）即可筛选。"
        "只列出侧栏筛选（帮扶高校、省份、层级、协议周期）范围内的配对。",
        "Each option names the school, its supporting party, province and county: type any of them (or part of "
        "one) to narrow the list. Only the pairings within the sidebar's filters (universities, province, tier, "
        "agreement cycle) are offered.",
    ),
    "school.pick_count": (
        "可选 {shown} 对配对（共 {total} 对）：按侧栏筛选。",
        "{shown} of {total} pairings offered: those within the sidebar's filters.",
    ),
    "school.list_title": ("范围内的受援学校", "Schools in view"),
    "school.list_caption": (
        "按侧边栏的高校和省份筛选；状态为截至今天（{today}）的本学年状态。",
        "Filtered by the sidebar's universities and provinces; each status is this school year's, as of today "
        "({today}).",
    ),
    "school.pick_prompt": (
        "选择一所受援学校，查看其“一校一策”记分卡。列表按左侧的高校、省份、层级和协议周期筛选。",
        "Choose a school to see its one-school-one-policy scorecard. The list follows the university, "
        "province, tier and agreement cycle filters in the sidebar.",
    ),
    "school.pick_option": (
        "{school} — {university}（{province} {county}）",
        "{school} — {university} ({province}, {county})",
    ),
    "school.not_found": (
        "没有编号为 {pairing} 的帮扶配对，请从列表中选择。",
        "There is no pairing {pairing}; choose one from the list.",
    ),
    "school.subtitle": ("{university} 帮扶 · {province} {county}", "Supported by {university} · {county}, {province}"),
    "school.tier_start": ("{tier}托管 · {start} 起", "{tier} trusteeship · since {start}"),
    "school.source.verified": (
        "已核实配对（可信度：{confidence}）。来源：",
        "Verified pairing (confidence: {confidence}). Source: ",
    ),
    "school.source.none": ("未注明来源", "no source given"),
    "school.source.demo": (
        "示例配对：演示用，非官方名单；计划和活动均为生成的示例数据。",
        "Demo pairing: illustrative, not from the official list; its plan and activities are generated sample data.",
    ),
    "school.source.imported": ("导入的配对。来源：", "Imported pairing. Source: "),
    "school.confidence.high": ("高", "high"),
    "school.confidence.medium": ("中", "medium"),
    "school.confidence.low": ("低", "low"),
    "school.demo_activities": (
        "本校的活动记录中有示例数据（{count} 条）。",
        "This school's activity log includes sample data ({count} records).",
    ),
    "school.filters_note": (
        "记分卡按学年统计，不受左侧时段和举措筛选影响。",
        "The scorecard counts by school year; the sidebar's period and measure filters do not apply.",
    ),
    "school.year": ("学年", "School year"),
    "school.year_current": ("{label}（当前）", "{label} (current)"),
    "school.metric.status": ("状态", "Status"),
    "school.metric.progress": ("按期完成率", "Progress vs pro-rata"),
    "school.metric.progress_help": (
        "实际活动数 ÷ 按期应完成数（仅计有计划的举措）：{actual} ÷ {expected}",
        "Actual activities ÷ pro-rata expectation (planned measures only): {actual} ÷ {expected}",
    ),
    "school.metric.activities": ("本学年活动", "Activities this year"),
    "school.metric.last": ("最近活动", "Last activity"),
    "days.today": ("今天", "today"),
    "days.yesterday": ("昨天", "yesterday"),
    "days.ago": ("{days} 天前", "{days} days ago"),
    "school.metric.never": ("从未报送", "Never reported"),
    "school.elapsed": (
        "{label}已过 {elapsed} / {days} 天（{share}），按期应完成数 = 计划数 × {share}。",
        "{elapsed} of {days} days of {label} have passed ({share}); pro-rata expectation = target × {share}.",
    ),
    "school.elapsed_past": (
        "{label}已结束，按期应完成数 = 全年计划数。",
        "{label} is over; pro-rata expectation = the full target.",
    ),
    "school.elapsed_span": (
        "{label}中计入 {elapsed} / {days} 天（{span}），按期应完成数 = 计划数 × {share}。",
        "{elapsed} of the {days} days of {label} count ({span}); pro-rata expectation = target × {share}.",
    ),
    "school.span.start": ("协议 {start} 开始", "the agreement started on {start}"),
    "school.span.end": ("协议 {end} 结束", "the agreement ended on {end}"),
    "school.rule_title": ("状态规则", "Status rule"),
    "school.rule": (
        "- **按期应完成数** = 计划数 × 已过天数 ÷ 学年总天数。学年为 9 月 1 日至次年 8 月 31 日；已过天数从 9 月 1 日"
        "（配对在学年中途开始的，从协议开始日期）数到今天（含今天；往年数到 8 月 31 日，协议已结束的数到结束日期）。"
        "因此往年按全年计划数，配对开始的第一个学年只按开始后的天数折算。\n"
        "- **完成率** = 实际活动数 ÷ 按期应完成数。"
        ":green[**● {green_label}**]：完成率 ≥ {green}%；:orange[**● {amber_label}**]：{amber}% ≤ 完成率 < {green}%"
        "（恰好 {amber}% 为{amber_label}）；:red[**● {red_label}**]：完成率 < {amber}%。\n"
        "- 当前学年，学校距最近一次活动已满 **{days} 天**（含第 {days} 天），或开始满 {days} 天仍从未报送，"
        "整体状态为:red[**{red_label}**]。\n"
        "- 学校整体状态按有计划举措的合计计算；单项举措按同一阈值评级。按期应完成数不足 1 次且尚无活动的举措"
        "记为“{not_due_label}”，计划数为 0 的举措记为“{no_target_label}”。\n"
        "- 协议结束日期已过的配对记为“{ended_label}”：保留历年记录，结束后不再列入“需要关注”。",
        "- **Pro-rata expectation** = target × days elapsed ÷ days in the school year (1 September – 31 August). "
        "Days elapsed count from 1 September, or from the pairing's start date if it started later in the year, "
        "through today inclusive (a past year: through 31 August; an ended pairing: through its end date). So a "
        "past year counts its full target, and a pairing's first year only the share after its start.\n"
        "- **Progress** = actual activities ÷ pro-rata expectation. "
        ":green[**● {green_label}**]: progress ≥ {green}%; :orange[**● {amber_label}**]: {amber}% ≤ progress < "
        "{green}% (exactly {amber}% is “{amber_label}”); :red[**● {red_label}**]: progress < {amber}%.\n"
        "- In the current school year a school's overall status is :red[**{red_label}**] once **{days} days** or "
        "more have passed since its last activity, or if it has never reported {days} days or more after its start.\n"
        "- The overall status uses the totals over the planned measures; each measure is rated with the "
        "same thresholds. A measure whose expectation is still below one activity and that has none yet is "
        "“{not_due_label}”; a measure with a target of 0 is “{no_target_label}”.\n"
        "- A pairing whose end date has passed is “{ended_label}”: its history stays, and it is no longer listed "
        "under needs attention after its end.",
    ),
    "school.plan_title": ("计划与实际：{label}", "Plan against actual: {label}"),
    "school.chart.target": ("全年计划", "Full-year target"),
    "school.chart.expected": ("按期应完成", "Pro-rata expected"),
    "school.chart.actual": ("实际完成", "Actual"),
    "school.years_title": ("历年完成情况", "School years"),
    "school.activities_title": ("活动记录", "Activity log"),
    "school.search": ("按活动名称搜索", "Search titles"),
    "school.search_placeholder": ("例如：数学", "e.g. 数学"),
    "school.only_year": ("只看所选学年", "Selected school year only"),
    "school.no_activities": ("没有符合条件的活动记录。", "No activities match."),
    "school.back": ("查看 {university} 的全部学校", "All schools of {university}"),
    "school.exports": ("导出记分卡", "Export the scorecard"),
    "school.export.scorecard": ("计划与实际（所选学年）", "Plan against actual (selected year)"),
    "school.export.years": ("历年完成情况", "School years"),
    "school.export.activities": ("活动记录（{count} 行）", "Activity log ({count} rows)"),
    # Status words (never a colour alone): on screen with a coloured marker, in exports as the words.
    "school.status.green": ("达标", "On track"),
    "school.status.amber": ("滞后", "Behind"),
    "school.status.red": ("严重滞后", "Far behind"),
    "school.status.not_due": ("未到期", "Not yet due"),
    "school.status.no_target": ("无计划", "No target"),
    "school.status.not_started": ("未开始", "Not started"),
    "school.status.ended": ("已结束", "Ended"),
    # Needs attention
    "attention.title": ("需要关注", "Needs attention"),
    "attention.caption": (
        "截至 {today}（{year}）。范围为左侧筛选的高校和省份；举措筛选只作用于“举措低于计划”；不受时段筛选影响。",
        "As of {today} ({year}). Scope: the sidebar's universities and province; the measure filter "
        "narrows the below-plan rows only; the period filter does not apply.",
    ),
    "attention.summary": (
        "**{pairings}** 所学校需要关注：从未报送 {never} 所，{days} 天以上无活动 {silent} 所，"
        "{below} 项举措低于按期计划的 {amber}%。",
        "**{pairings}** schools need attention: {never} never reported, {silent} without activity for "
        "{days}+ days, {below} measures below {amber}% of their pro-rata plan.",
    ),
    "attention.empty": ("当前范围内没有需要关注的学校。", "Nothing needs attention in this view."),
    "attention.reason.never_reported": ("从未报送", "Never reported"),
    "attention.reason.silent": ("{days} 天及以上无活动", "No activity for {days}+ days"),
    "attention.reason.below_plan": ("举措低于按期计划 {amber}%", "Measure below {amber}% of pro-rata plan"),
    "attention.reasons": ("原因", "Reasons"),
    "attention.open": ("记分卡", "Scorecard"),
    "attention.export": ("需关注清单", "Needs-attention list"),
    # The summary above the list (issue 14, item 5)
    "attention.by_reason": ("按原因（配对数）", "By reason (pairings)"),
    "attention.by_province": (
        "按省份：需关注配对最多的 {shown} 个（共 {total} 个）",
        "By province: top {shown} of {total}",
    ),
    "attention.by_note": (
        "数字为配对数，省份表的后四列依次为上面的四个原因；一对配对可有几个原因，各原因之和可多于配对总数。",
        "Counts are pairings; the province table's last four columns are the four reasons above, in order. A pairing "
        "may have several reasons, so the reasons can add up to more than the total.",
    ),
    "attention.col.pairings": ("需关注配对", "Pairings"),
    "attention.col.province": ("省份", "Province"),
    "attention.short.never_reported": ("未报送", "Never"),
    "attention.short.silent": ("久无活动", "Silent"),
    "attention.short.below_plan": ("低于计划", "Below plan"),
    "attention.short.problem_overdue": ("问题逾期", "Overdue"),
    # Exports and tables
    # The buttons in the page's language; on an English page also the Chinese files ("reupload" for an activity
    # table, whose Chinese file the importer reads back; "chinese" for any other table).
    "export.csv": ("CSV", "CSV (English)"),
    "export.xlsx": ("Excel", "Excel (English)"),
    "export.csv_help": (
        "UTF-8（带 BOM）CSV，可直接用 Excel、WPS 打开；中文表头。活动明细可修改后重新上传。",
        "UTF-8 CSV with a byte-order mark: opens cleanly in Excel and WPS. English headers and labels, for "
        "reading; to correct and upload activities again, use the 中文 file.",
    ),
    "export.xlsx_help": (
        "Excel 工作簿（.xlsx），中文表头。活动明细可修改后重新上传。",
        "Excel workbook (.xlsx) with English headers and labels, for reading; to correct and upload activities "
        "again, use the 中文 file.",
    ),
    "export.csv_reupload": ("CSV（可重新上传）", "CSV (中文, re-uploadable)"),
    "export.xlsx_reupload": ("Excel（可重新上传）", "Excel (中文, re-uploadable)"),
    "export.reupload_help": (
        "中文表头，列与上传模板一致：可修改后在“上传活动记录”页重新上传。",
        "Chinese headers and labels, the upload template's columns: correct it and upload it again on "
        "Upload activities.",
    ),
    "export.csv_chinese": ("CSV（中文）", "CSV (中文)"),
    "export.xlsx_chinese": ("Excel（中文）", "Excel (中文)"),
    "export.chinese_help": ("中文表头和标签。", "The same table with Chinese headers and labels."),
    "export.note": (
        "导出全部行（不只当前页），顺序与页面相同；表头为中文，活动明细的列名与上传模板一致，可修改后重新上传。",
        "Exports hold every row (not just this page), in the order shown. The English files are for reading; "
        "the 中文 files have Chinese headers, and for activities the upload template's columns, so they can be "
        "corrected and uploaded again.",
    ),
    "export.file.activities": ("活动记录", "activities"),
    "export.file.and_more": ("{first}及另外{more}所高校", "{first} and {more} more"),
    "export.file.pairings": ("帮扶学校", "schools"),
    "export.file.attention": ("需关注", "needs_attention"),
    "export.file.universities": ("帮扶高校", "universities"),
    "export.file.scorecard": ("记分卡", "scorecard"),
    "export.file.years": ("历年完成情况", "school_years"),
    "export.table.sort": ("排序", "Sort by"),
    "export.table.descending": ("降序", "Descending"),
    "export.table.page": ("页码", "Page"),
    "table.link_hint": (
        "点击名称或带 → 的一栏，即在本页打开，筛选保持不变；浏览器的“后退”可回到这里。",
        "Click a name or a → cell to open it here, with the filters kept; the browser's Back returns here.",
    ),
    "table.link_help": ("点击打开（本页打开，筛选保持不变）", "Click to open (here, with the filters kept)"),
    "export.table.rows": ("共 {total} 行 · 第 {page} / {pages} 页", "{total} rows · page {page} of {pages}"),
    "export.table.rows_one": ("共 1 行 · 第 {page} / {pages} 页", "1 row · page {page} of {pages}"),
    "export.col.date": ("日期", "Date"),
    "export.col.university": ("帮扶高校", "University"),
    "export.col.school": ("受援学校", "School"),
    "export.col.county": ("受援县", "County"),
    "export.col.province": ("省份", "Province"),
    "export.col.measure": ("帮扶举措", "Measure"),
    "export.col.title": ("活动名称", "Title"),
    "export.col.teachers": ("参与教师人数", "Teachers"),
    "export.col.students": ("参与学生人数", "Students"),
    "export.col.hours": ("时长（小时）", "Hours"),
    "export.col.notes": ("备注", "Notes"),
    "export.col.provenance": ("数据类型", "Provenance"),
    "export.col.activity_id": ("活动编号", "Activity ID"),
    "export.col.batch_id": ("上传批次", "Upload batch"),
    "export.col.pairing_id": ("配对编号", "Pairing ID"),
    "export.col.tier": ("层级", "Tier"),
    "export.col.start_date": ("开始日期", "Start date"),
    "export.col.end_date": ("结束日期", "End date"),
    "export.col.source": ("来源", "Source"),
    "export.col.last_date": ("最近活动", "Last activity"),
    "export.col.days_since_last": ("距今天数", "Days since"),
    "export.col.activities": ("活动数", "Activities"),
    "export.col.teachers_reached": ("教师参与人次", "Teacher participations"),
    "export.col.students_reached": ("学生参与人次", "Student participations"),
    "export.col.status": ("状态", "Status"),
    "export.col.reason": ("原因", "Reason"),
    "export.col.target": ("计划数", "Target"),
    "export.col.expected": ("按期应完成", "Pro-rata expected"),
    "export.col.actual": ("实际完成", "Actual"),
    "export.col.actual_planned": ("实际完成（有计划举措）", "Actual (planned measures)"),
    "export.col.actual_all": ("全部活动", "All activities"),
    "export.col.progress": ("完成率（%）", "Progress (%)"),
    "export.col.school_year": ("学年", "School year"),
    "export.col.pairings": ("帮扶学校数", "Schools"),
    "export.col.red_pairings": ("严重滞后学校", "Schools far behind"),
    "export.col.scorecard": ("记分卡", "Scorecard"),
    "export.col.open": ("查看", "Open"),
}
