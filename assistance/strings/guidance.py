"""Strings of the problem tracker (问题台账) and the good-practice library (典型经验), issue 10: the vocabulary, the
rules' refusals, the problem file's row errors, the Problems and Good practice pages, the scorecard's problems
and linked cases, the overview panel."""

STRINGS = {
    # ---- navigation, kinds, access
    "problems.nav": ("问题台账", "Problems"),
    "cases.nav": ("典型经验", "Good practice"),
    "fields.kind.problems": ("困难问题台账", "problem file"),
    "registry.page.kind.problems": ("困难问题", "Problems"),
    "access.denied.scope": (
        "这个配对或地区不在您的权限范围内。",
        "This pairing or area is outside your scope.",
    ),
    "audit.action.problem_add": ("提出困难问题", "Problem raised"),
    "audit.action.problem_update": ("更新困难问题", "Problem updated"),
    "audit.action.problem_import": ("导入困难问题台账", "Problem import"),
    "audit.action.case_add": ("新建典型经验", "Case created"),
    "audit.action.case_update": ("修改典型经验", "Case edited"),
    "audit.action.case_status": ("典型经验推荐/遴选/退回", "Case recommended, selected or returned"),
    "registry.undo.edited": (
        "此后在系统中又修改过问题 {batches}，撤销会丢失这些修改",
        "problems {batches} were edited in the app since; undoing would lose those edits",
    ),
    # ---- vocabulary
    "problem.category.teachers": ("师资", "Teachers"),
    "problem.category.funding": ("经费", "Funding"),
    "problem.category.intake": ("生源", "Student intake"),
    "problem.category.management": ("管理", "School management"),
    "problem.category.facilities": ("条件保障", "Facilities and housing"),
    "problem.category.policy": ("政策协调", "Policy coordination"),
    "problem.category.other": ("其他", "Other"),
    "problem.status.open": ("待处理", "Open"),
    "problem.status.in_progress": ("处理中", "In progress"),
    "problem.status.constrained": ("受阻", "Constrained"),
    "problem.status.resolved": ("已解决", "Resolved"),
    "problem.status.discontinued": ("不再跟进", "Discontinued"),
    "problem.raised_by.university": ("高校", "University"),
    "problem.raised_by.school": ("学校", "School"),
    "problem.raised_by.county": ("县政府", "County government"),
    "problem.raised_by.province": ("省级", "Province"),
    "problem.owner.university": ("高校", "University"),
    "problem.owner.county": ("县政府", "County government"),
    "problem.owner.province": ("省级", "Province"),
    "problem.owner.ministry": ("教育部", "Ministry"),
    "problem.overdue.past_due": ("已过期限", "Past its due date"),
    "problem.overdue.open_long": ("超过 60 天未解决", "Unresolved for over 60 days"),
    "problem.scope.pairing": ("一个配对", "One pairing"),
    "problem.scope.county": ("全县", "A county"),
    "problem.scope.province": ("全省", "A province"),
    "attention.reason.problem_overdue": ("困难问题逾期", "Problem overdue"),
    # ---- table and file columns
    "export.col.problem_id": ("问题编号", "Problem ID"),
    "export.col.problem_title": ("问题", "Problem"),
    "export.col.problem_description": ("问题描述", "Description"),
    "export.col.category": ("类别", "Category"),
    "export.col.raised_by": ("提出方", "Raised by"),
    "export.col.raised_on": ("提出日期", "Raised on"),
    "export.col.owner_level": ("责任层级", "Level that must act"),
    "export.col.due_date": ("期限", "Due date"),
    "export.col.resolution": ("处理结果", "Resolution"),
    "export.col.resolved_on": ("解决日期", "Resolved on"),
    "export.col.overdue": ("逾期", "Overdue"),
    "export.col.overdue_why": ("逾期原因", "Why overdue"),
    "export.col.problem_scope": ("范围", "Scope"),
    "export.file.problems": ("困难问题台账", "problems"),
    # ---- refusals of a save (guidance.problems)
    "problem.err.stale": (
        "未保存：您打开这个问题之后，{by} 已于 {at} 修改过它（现在的状态：{status}，第 {version} 版）。"
        "请先查看上面的最新内容，再决定是否重新提交。",
        "Not saved: {by} changed this problem at {at}, after you opened it (its status is now {status}, version "
        "{version}). Read the latest above, then submit again if your change still applies.",
    ),
    "problem.err.resolution_required": (
        "改为“{to_status}”需要填写处理结果：写明问题是如何解决的，或为什么不再跟进。",
        'Changing to "{to_status}" needs a resolution: say how the problem was solved, or why it is no longer '
        "followed.",
    ),
    "problem.err.reopen_comment": (
        "从“{from_status}”改回“{to_status}”需要填写说明：为什么重新处理。",
        'Moving back from "{from_status}" to "{to_status}" needs a comment: why is it open again?',
    ),
    "problem.err.constrained_comment": (
        "标记为“受阻”需要填写说明：是什么阻碍了解决。",
        'Marking a problem "Constrained" needs a comment: what blocks it?',
    ),
    "problem.err.title_required": ("请填写问题（标题不能为空）。", "Please give the problem a title."),
    "problem.err.too_long": (
        "{field} 太长（最多 {limit} 个字符）。",
        "{field} is too long (at most {limit} characters).",
    ),
    "problem.err.category_unknown": ("未知的类别：{value}", "Unknown category: {value}"),
    "problem.err.owner_unknown": ("未知的责任层级：{value}", "Unknown level: {value}"),
    "problem.err.status_unknown": ("未知的状态：{value}", "Unknown status: {value}"),
    "problem.err.raised_by_unknown": ("未知的提出方：{value}", "Unknown raiser: {value}"),
    "problem.err.scope_unknown": ("未知的范围：{value}", "Unknown scope: {value}"),
    "problem.err.raised_on_invalid": (
        "提出日期须在 {earliest} 至今天（{today}）之间。",
        "The day raised must lie between {earliest} and today ({today}).",
    ),
    "problem.err.due_before_raised": (
        "期限 {due} 早于提出日期 {raised}。",
        "The due date {due} is before the day it was raised ({raised}).",
    ),
    "problem.err.place_unknown": (
        "请选择问题所属的配对、县或省份。",
        "Choose the pairing, county or province the problem belongs to.",
    ),
    "problem.err.duplicate": (
        "同一天已登记过同名问题（#{problem}），请打开它更新，而不是重复登记。",
        "The same problem was already raised that day (#{problem}): open it and update it instead.",
    ),
    "problem.err.nothing_changed": (
        "没有任何修改，未保存。",
        "Nothing changed: nothing saved.",
    ),
    "problem.err.unknown": ("没有编号为 #{problem} 的问题。", "There is no problem #{problem}."),
    # ---- the problem file's row errors (guidance.problem_import; {column} is the file's own header)
    "problems.err.required": ("{column} 为必填项", "{column} is required"),
    "problems.err.supporter_unknown": (
        "{column}「{value}」不是已登记的帮扶单位",
        "{column} '{value}' is not a registered supporting party",
    ),
    "problems.err.outside_scope": (
        "“{value}”不在您的权限范围内",
        '"{value}" is outside your scope',
    ),
    "problems.err.tier_invalid": (
        "{column}「{value}」不是层级（国家示范、省级、市级）",
        "{column} '{value}' is not a tier (national, provincial, municipal)",
    ),
    "problems.err.place_missing": (
        "未说明问题属于哪里：请填写 帮扶高校 + 受援学校/受援县（一个配对），或只填受援县（全县），或只填省份（全省）",
        "No place: give the supporter with the school or county (one pairing), a county alone (county-wide) or a "
        "province alone (province-wide)",
    ),
    "problems.err.pairing_unknown": (
        "{column}「{value}」不是该帮扶单位的配对（该单位的配对：{candidates}）",
        "{column} '{value}' names no pairing of that supporter (its pairings: {candidates})",
    ),
    "problems.err.pairing_ambiguous": (
        "{column}「{value}」对应多个配对：{candidates}；请同时填写受援学校或层级",
        "{column} '{value}' fits several pairings: {candidates}; give the school or the tier too",
    ),
    "problems.err.county_unknown": (
        "{column}「{value}」不是已知的县级行政区",
        "{column} '{value}' is not a known county-level unit",
    ),
    "problems.err.county_ambiguous": (
        "{column}「{value}」有多个同名县：{candidates}；请填写省份",
        "{column} '{value}' names several counties: {candidates}; give the province",
    ),
    "problems.err.province_unknown": (
        "{column}「{value}」不是项目省份",
        "{column} '{value}' is not a province of the programme",
    ),
    "problems.err.date_invalid": (
        "{column}「{value}」不是日期（如 2025-03-18、2025/3/18、2025年3月18日）",
        "{column} '{value}' is not a date (e.g. 2025-03-18, 2025/3/18)",
    ),
    "problems.err.date_range": (
        "{column}「{value}」不能早于 2022-06-01，也不能晚于今天",
        "{column} '{value}' cannot be before 2022-06-01 or after today",
    ),
    "problems.err.raised_by_unknown": (
        "{column}「{value}」须为 高校、学校、县政府、省级 之一",
        "{column} '{value}' must be one of university, school, county, province",
    ),
    "problems.err.category_unknown": (
        "{column}「{value}」须为 师资、经费、生源、管理、条件保障、政策协调、其他 之一",
        "{column} '{value}' must be one of teachers, funding, intake, management, facilities, policy, other",
    ),
    "problems.err.too_long": ("{column} 太长", "{column} is too long"),
    "problems.err.duplicate_in_file": (
        "与第 {candidates} 行是同一个问题（同一配对或地区、同一天、同名）",
        "the same problem as line {candidates} (same place, day and title)",
    ),
    "problems.err.owner_unknown": (
        "{column}「{value}」须为 高校、县政府、省级、教育部 之一",
        "{column} '{value}' must be one of university, county, province, ministry",
    ),
    "problems.err.status_unknown": (
        "{column}「{value}」须为 待处理、处理中、受阻、已解决、不再跟进 之一",
        "{column} '{value}' must be one of open, in progress, constrained, resolved, discontinued",
    ),
    "problems.err.due_before_raised": (
        "{column}「{value}」早于提出日期",
        "{column} '{value}' is before the day the problem was raised",
    ),
    "problems.err.resolution_required": (
        "已解决或不再跟进的问题须填写 {column}",
        "a resolved or discontinued problem needs {column}",
    ),
    # ---- command line
    "problems.cli.exported": (
        "已将 {rows} 个困难问题写入 {path}（{fmt}）",
        "wrote {rows} problems to {path} as {fmt}",
    ),
    # ---- the Problems page
    "problems.intro": (
        "帮扶中遇到的困难问题：属于哪个配对（或全县、全省），由谁负责解决，期限是什么，进展到哪一步。"
        "过了期限、或提出 60 天仍未解决的问题为“逾期”，会出现在总览的“需要关注”列表中。",
        "The difficulties the pairings meet: whose they are (a pairing, a county or a province), which level must act, "
        "by when, and how far they got. A problem past its due date, or unresolved more than 60 days after it was "
        "raised, is overdue and joins the overview's needs-attention list.",
    ),
    "problems.tab.list": ("问题列表", "All problems"),
    "problems.tab.raise": ("提出问题", "Raise a problem"),
    "problems.tab.import": ("导入台账文件", "Import a problem file"),
    "problems.kpi.open": ("未解决", "Open"),
    "problems.kpi.open_help": (
        "状态为待处理、处理中或受阻的问题数。",
        "Problems that are open, in progress or constrained.",
    ),
    "problems.kpi.overdue": ("逾期", "Overdue"),
    "problems.kpi.overdue_help": (
        "未解决，且已过期限或提出超过 {days} 天的问题数。",
        "Unresolved problems past their due date or raised more than {days} days ago.",
    ),
    "problems.kpi.resolved": ("已解决", "Resolved"),
    "problems.kpi.median": ("解决用时（中位数）", "Time to resolve (median)"),
    "problems.kpi.median_help": (
        "已解决问题从提出到解决的天数的中位数。",
        "The median number of days from raised to resolved, over the resolved problems.",
    ),
    "problems.kpi.days": ("{days} 天", "{days} days"),
    "problems.col.open": ("未解决", "Open"),
    "problems.col.overdue": ("逾期", "Overdue"),
    "problems.col.resolved": ("已解决", "Resolved"),
    "problems.col.open_link": ("查看", "View"),
    "problems.open": ("查看", "View"),
    "problems.sort.attention": ("逾期优先", "Overdue first"),
    "problems.panel.caption": (
        "按今天（{today}）计算：逾期指已过期限或提出超过 {days} 天仍未解决。跟随侧栏的高校、省份和层级筛选；"
        "时段与举措筛选不适用。",
        "As of today ({today}): overdue means past the due date, or unresolved more than {days} days after it was "
        "raised. Follows the sidebar's university, province and tier; the period and measure filters do not apply.",
    ),
    "problems.panel.demo": ("其中 {count} 个为示例问题。", "{count} of them are sample problems."),
    "problems.panel.open": ("打开问题台账", "Open the problem tracker"),
    "problems.filter.all": ("全部", "All"),
    "problems.filter.search": ("搜索问题", "Search problems"),
    "problems.filter.search_hint": ("标题或描述中的文字，如：周转房", "Words in the title or description"),
    "problems.filter.overdue": ("只看逾期", "Overdue only"),
    "problems.list.empty": ("当前筛选下没有困难问题。", "No problem in this view."),
    "problems.export": ("下载这 {count} 个问题（可编辑后重新导入）", "Download these {count} problems"),
    "problems.not_found": (
        "没有找到问题 #{problem}（不存在，或不在您的权限范围内）。",
        "Problem #{problem} was not found (there is none, or it is outside your scope).",
    ),
    # one problem
    "problems.page.meta": (
        "问题 #{problem} · 第 {version} 版 · 最后更新 {at}",
        "Problem #{problem} · version {version} · last updated {at}",
    ),
    "problems.page.raised": ("{by}于 {on} 提出", "raised by {by} on {on}"),
    "problems.page.category": ("类别：{category}", "category: {category}"),
    "problems.page.owner": ("责任层级：{owner}", "must act: {owner}"),
    "problems.page.due": ("期限：{due}", "due: {due}"),
    "problems.page.no_due": ("未定", "none set"),
    "problems.page.resolved_on": ("结案：{on}", "closed on {on}"),
    "problems.page.no_description": ("（无描述）", "(no description)"),
    "problems.page.scorecard": ("打开这个配对的记分卡", "Open this pairing's scorecard"),
    "problems.page.history": ("处理记录", "History"),
    "problems.page.update": ("更新进展", "Update"),
    "problems.page.back": ("返回问题台账", "Back to the problem tracker"),
    "problems.history.at": ("时间", "When"),
    "problems.history.by": ("操作人", "Who"),
    "problems.history.from": ("原状态", "From"),
    "problems.history.to": ("新状态", "To"),
    "problems.history.comment": ("说明", "Comment"),
    "problems.history.batch": ("导入批次", "Batch"),
    # forms
    "problems.form.as": (
        "以 {username} 的身份记录；每次修改都写入处理记录和审计日志。",
        "Recorded as {username}; every change goes into the history and the audit log.",
    ),
    "problems.form.scope": ("问题属于", "The problem belongs to"),
    "problems.form.pairing": ("配对", "Pairing"),
    "problems.form.county": ("县", "County"),
    "problems.form.province": ("省份", "Province"),
    "problems.form.pick": ("请选择", "Choose"),
    "problems.form.pairing_option": ("{school}（{university}，{county}）", "{school} ({university}, {county})"),
    "problems.form.county_option": ("{county}（{province}）", "{county} ({province})"),
    "cases.form.pairing_option": ("{school}（{university}）", "{school} ({university})"),
    "problems.form.submit": ("登记问题", "Raise the problem"),
    "problems.form.created": ("已登记问题 #{problem}。", "Problem #{problem} raised."),
    "problems.form.comment": ("说明", "Comment"),
    "problems.form.comment_help": (
        "写入处理记录。标记为“受阻”或重新打开已结案的问题时必填。",
        "Goes into the history. Required to mark a problem constrained or to reopen a closed one.",
    ),
    "problems.form.resolution_help": (
        "改为“已解决”或“不再跟进”时必填：问题是如何解决的，或为什么不再跟进。",
        "Required to mark a problem resolved or discontinued: how it was solved, or why it is dropped.",
    ),
    "problems.form.save": ("保存", "Save"),
    "problems.form.saved": ("已保存（第 {version} 版）。", "Saved (version {version})."),
    # the scorecard
    "problems.scorecard.title": ("困难问题", "Problems"),
    "problems.scorecard.none": ("这个配对还没有登记困难问题。", "No problem has been raised for this pairing."),
    "problems.scorecard.raise": ("提出困难问题", "Raise a problem"),
    # the problem file
    "problems.import.format": (
        "每行一个问题。必填列：**提出日期**、**提出方**（高校/学校/县政府/省级）、**类别**（师资、经费、生源、管理、"
        "条件保障、政策协调、其他）、**问题**、**责任层级**（高校/县政府/省级/教育部）。问题属于哪里：**帮扶高校** + "
        "**受援学校**或**受援县**（一个配对），只填**受援县**（全县），或只填**省份**（全省）。可选列：问题描述、"
        "**状态**（待处理（默认）、处理中、受阻、已解决、不再跟进）、**期限**（不早于提出日期）、**处理结果**"
        "（已解决或不再跟进时必填）。同一配对或地区、同一天、同名的问题是同一个问题：再次导入时更新它。"
        "空单元格不改变已有内容。",
        "One problem per row. Required: **raised on**, **raised by** (university/school/county/province), "
        "**category** (teachers, funding, intake, management, facilities, policy, other), **problem** (its title), "
        "**owner level** (university/county/province/ministry). Where it belongs: **supporter** with **school** or "
        "**county** (one pairing), a **county** alone (county-wide) or a **province** alone (province-wide). "
        "Optional: description, **status** (open by default, in progress, constrained, resolved, discontinued), "
        "**due date** (not before the day raised), **resolution** (required when resolved or discontinued). The same "
        "place, day and title is the same problem: importing it again updates it. Empty cells change nothing.",
    ),
    "problems.import.history": ("困难问题台账的导入批次", "Problem file batches"),
    "problems.import.history_empty": ("还没有导入过问题台账文件。", "No problem file has been imported yet."),
    "problems.import.undo_confirm": (
        "确认撤销批次 #{batch}（{kind}：删除它新增的 {inserted} 个问题，恢复它更改的 {changed} 个问题）",
        "Yes, undo batch #{batch} ({kind}: delete the {inserted} problems it added, restore the {changed} it changed)",
    ),
    # ---- the Good practice page
    "cases.intro": (
        "各地帮扶中行之有效的做法：之前的情况、怎么做的、取得的成效，并附配对自己的活动记录和学校的办学成效指标为证。"
        "高校撰写，省级推荐，教育部遴选；部级遴选的案例所有账户都能查阅。",
        "What worked in the pairings: the situation before, what was done and the result, with the pairing's own "
        "activities and its school's outcome figures as evidence. Written by universities, recommended by provinces, "
        "selected by the ministry; every account can read the selected cases.",
    ),
    "cases.search": ("搜索", "Search"),
    "cases.search_hint": ("如：跟岗、走教、周转房", "e.g. 跟岗, 走教, housing"),
    "cases.search_help": (
        "在标题、正文和标签中查找包含这些文字的案例；多个词用空格分开，须全部包含。",
        "Finds the cases whose title, texts or tags contain these words (separate several with spaces: all must be "
        "there).",
    ),
    "cases.status": ("状态", "Status"),
    "cases.status_all": ("全部状态", "Every status"),
    "cases.found": ("找到 {count} 个案例。", "Cases found: {count}."),
    "cases.filters_note": (
        "侧栏的高校、省份、层级和举措筛选同样适用。",
        "The sidebar's university, province, tier and measure filters apply.",
    ),
    "cases.none": ("没有符合条件的案例。", "No case matches."),
    "cases.tags": ("标签：{tags}", "Tags: {tags}"),
    "cases.not_found": (
        "没有找到案例 #{case}（不存在，或尚未遴选且不在您的权限范围内）。",
        "Case #{case} was not found (there is none, or it is not selected and outside your scope).",
    ),
    "cases.back": ("返回典型经验", "Back to good practice"),
    "cases.new": ("撰写新案例", "Write a new case"),
    "case.status.draft": ("草稿", "Draft"),
    "case.status.recommended": ("省级推荐", "Recommended by the province"),
    "case.status.selected": ("部级遴选", "Selected by the ministry"),
    "case.status.returned": ("已退回", "Sent back"),
    "cases.page.measures": ("帮扶举措：{measures}", "Measures: {measures}"),
    "cases.page.addresses": ("针对的问题：{categories}", "Addresses: {categories}"),
    "cases.page.before": ("之前的情况", "The situation before"),
    "cases.page.action": ("怎么做的", "What was done"),
    "cases.page.after": ("取得的成效", "The result"),
    "cases.page.evidence": ("佐证：配对的活动记录", "Evidence: the pairing's activities"),
    "cases.page.no_evidence": ("未关联活动记录。", "No activity cited."),
    "cases.page.outcomes": ("佐证：引用的办学成效指标", "Evidence: the outcome figures it cites"),
    "cases.page.outcomes_caption": (
        "各校报送的办学成效指标，与该校 {baseline} 学年（基线）的数值对照。",
        "Figures the schools reported, beside each school's own {baseline} baseline.",
    ),
    "cases.page.col.value": ("数值", "Figure"),
    "cases.page.col.baseline": ("基线（{baseline}）", "Baseline ({baseline})"),
    "cases.page.share": (
        "本页地址可以直接分享；打印时侧栏、菜单和表单不会打印。",
        "This page's address can be shared as it is; printing leaves out the sidebar, the menu and the forms.",
    ),
    "cases.page.history": ("审核记录（{count}）", "History ({count})"),
    "cases.review.title": ("审核", "Review"),
    "cases.review.to": ("操作", "Action"),
    "cases.review.recommended": ("省级推荐", "Recommend"),
    "cases.review.selected": ("部级遴选", "Select"),
    "cases.review.returned": ("退回修改", "Send back"),
    "cases.review.comment_help": ("退回时必填：需要修改什么。", "Required to send a case back: what must change."),
    "cases.review.submit": ("提交", "Submit"),
    "cases.review.done.recommended": ("已推荐。", "Recommended."),
    "cases.review.done.selected": ("已遴选。", "Selected."),
    "cases.review.done.returned": ("已退回。", "Sent back."),
    "cases.edit.title": ("修改案例", "Edit the case"),
    "cases.edit.saved": ("已保存。", "Saved."),
    "cases.form.intro": (
        "选择本单位的配对，写明之前的情况、做法和成效，并从这些配对的活动记录中选择佐证。新案例为草稿，由省级推荐。",
        "Choose your pairings, write the situation, what was done and the result, and cite their activities as "
        "evidence. A new case is a draft until the province recommends it.",
    ),
    "cases.form.pairings": ("配对", "Pairings"),
    "cases.form.title": ("标题", "Title"),
    "cases.form.measures": ("帮扶举措", "Measures"),
    "cases.form.categories": ("针对的问题类别", "Problem categories it addresses"),
    "cases.form.tags": ("标签", "Tags"),
    "cases.form.tags_help": ("用空格、逗号或顿号分开。", "Separated by spaces or commas."),
    "cases.form.evidence": ("佐证活动", "Evidence (activities)"),
    "cases.form.evidence_hint": ("先选择配对", "Choose the pairings first"),
    "cases.form.outcomes": ("引用的办学成效指标（可选）", "Outcome figures it cites (optional)"),
    "cases.form.outcomes_hint": ("配对学校的办学成效指标", "The pairings' schools' outcome figures"),
    "cases.form.save": ("保存", "Save"),
    "cases.form.created": ("已保存为草稿（案例 #{case}）。", "Saved as a draft (case #{case})."),
    "case.err.title_required": ("请填写标题。", "Please give the case a title."),
    "case.err.pairing_required": ("请至少选择一个配对。", "Choose at least one pairing."),
    "case.err.action_required": ("请写明“怎么做的”。", 'Please say "what was done".'),
    "case.err.too_long": ("内容太长（最多 {limit} 个字符）。", "Too long (at most {limit} characters)."),
    "case.err.tags": (
        "标签最多 {count} 个，每个最多 {length} 个字符。",
        "At most {count} tags of at most {length} characters each.",
    ),
    "case.err.code_unknown": ("未知的举措或类别：{value}", "Unknown measure or category: {value}"),
    "case.err.pairing_unknown": ("没有编号为 {pairing} 的配对。", "There is no pairing {pairing}."),
    "case.err.evidence_outside": (
        "活动 {activities} 不属于这个案例的配对。",
        "Activities {activities} are not those of the case's pairings.",
    ),
    "case.err.outcome_outside": (
        "有 {count} 项引用的办学成效指标不是该案例配对学校的已报送数值。",
        "{count} cited outcome figure(s) are not figures reported by the case's pairings' schools.",
    ),
    "case.err.outcomes_many": ("最多引用 {count} 项办学成效指标。", "Cite at most {count} outcome figures."),
    "case.err.unknown": ("没有编号为 #{case} 的案例。", "There is no case #{case}."),
    "case.err.stale": (
        "未保存：{by} 已于 {at} 修改过这个案例（现在的状态：{status}）。请先查看最新内容。",
        "Not saved: {by} changed this case at {at} (its status is now {status}). Read the latest first.",
    ),
    "case.err.locked": (
        "“{status}”的案例不能再修改；如需修改，请省级或教育部先退回。",
        'A case that is "{status}" cannot be edited; ask the province or the ministry to send it back first.',
    ),
    "case.err.transition": (
        "不能从“{from_status}”改为“{to_status}”。",
        'A case cannot go from "{from_status}" to "{to_status}".',
    ),
    "case.err.return_comment": ("退回时请写明需要修改什么。", "Say what must change when sending a case back."),
    # the scorecard's linked cases
    "cases.linked.title": ("可借鉴的典型经验", "How others solved it"),
    "cases.linked.caption": (
        "针对这个配对未解决问题的类别（{categories}）的部级遴选案例。",
        "Cases selected by the ministry that address the categories of this pairing's open problems ({categories}).",
    ),
    "cases.linked.none": ("暂无针对这些类别的遴选案例。", "No selected case addresses these categories yet."),
    "cases.linked.addresses": ("针对：{categories}", "Addresses: {categories}"),
    # the needs-attention list
    "attention.problems": (
        "其中 **{count}** 个困难问题逾期（已过期限，或提出超过 {days} 天仍未解决），原因列为“困难问题逾期”，"
        "并列出问题及逾期原因。",
        "**{count}** problems are overdue (past their due date, or unresolved {days}+ days after they were raised), "
        "listed with the reason “Problem overdue”, the problem and why it is overdue.",
    ),
    "attention.area_problems": (
        "另有 {count} 个县级或省级的困难问题逾期（不属于某一个配对），见问题台账。",
        "{count} more overdue problems belong to a county or a province (no single pairing): see the problem tracker.",
    ),
    "problems.overview.title": ("困难问题", "Problems"),
    # the map
    "map.metric.open_problems": ("未解决问题", "Open problems"),
    "map.hover.open_problems": ("未解决问题", "Open problems"),
    "cases.open": ("查看案例", "Open the case"),
    "provenance.entered": ("系统录入", "Entered in the app"),
    "nav.guidance": ("指导", "Guidance"),
}
