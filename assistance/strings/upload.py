"""Strings of the activity-log upload: the Upload page, the import pipeline's messages and the templates.

Row-error templates may hold `{value}` and `{candidates}`, which the pipeline fills in SQL for every
rejected row; `{column}`, `{earliest}`, `{today}`, `{limit}` and `{measures}` are filled once per file.
"""

STRINGS = {
    # ---- page
    "upload.title": ("上传活动记录", "Upload activity records"),
    "upload.intro": (
        "上传本校在 Excel/WPS 中维护的活动记录（CSV、XLSX、XLS 或 ODS）。先预检（不写入），确认后再提交；"
        "重复记录只计数不重复写入，有问题的行可下载修改后重新上传。",
        "Upload the activity log you keep in Excel/WPS (CSV, XLSX, XLS or ODS). Check it first (nothing is written), "
        "then commit; duplicates are counted, not stored twice, and rejected rows can be downloaded, fixed and "
        "uploaded again.",
    ),
    "upload.templates": ("下载模板", "Download a template"),
    "upload.template_csv_zh": ("CSV 模板（中文表头）", "CSV template (Chinese headers)"),
    "upload.template_xlsx_zh": ("XLSX 模板（中文表头，含下拉列表）", "XLSX template (Chinese headers, drop-downs)"),
    "upload.template_csv_en": ("CSV 模板（英文表头）", "CSV template (English headers)"),
    "upload.template_xlsx_en": ("XLSX 模板（英文表头，含下拉列表）", "XLSX template (English headers, drop-downs)"),
    "upload.file": ("选择文件（CSV、XLSX、XLS 或 ODS）", "Choose a file (CSV, XLSX, XLS or ODS)"),
    "upload.file_help": (
        "支持 UTF-8、UTF-8-BOM、GBK/GB18030 编码的 CSV（逗号或制表符分隔），以及 Excel/WPS 工作簿（.xlsx、"
        "旧版 .xls）和 OpenDocument 表格（.ods）；单个文件不超过 {limit_mb} MB。",
        "CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (comma- or tab-separated), and Excel/WPS workbooks (.xlsx, "
        "the older .xls) and OpenDocument spreadsheets (.ods); at most {limit_mb} MB.",
    ),
    "upload.sheet": ("工作表", "Sheet"),
    "upload.sheet_auto": ("自动：第一个含表头的工作表", "Automatic: the first sheet with a header"),
    "upload.sheet_help": (
        "工作簿有多个工作表时，默认读取第一个含表头的工作表（跳过填写说明等）；也可以指定一个。",
        "A workbook with several sheets is read from the first sheet that has a header (instruction sheets are "
        "skipped); you can also name one.",
    ),
    "upload.sheet_named": ("工作表“{sheet}”", 'sheet "{sheet}"'),
    "upload.check": ("预检（不写入）", "Check (dry run, writes nothing)"),
    "upload.commit": ("确认提交", "Commit"),
    "upload.strict": (
        "严格模式：有任何错误行则整份文件都不提交",
        "Strict: commit nothing if any row is rejected",
    ),
    "upload.dry_run_heading": ("预检结果（尚未写入）", "Check result (nothing written yet)"),
    "upload.result_heading": ("提交结果", "Commit result"),
    "upload.metric_rows": ("数据行", "Rows"),
    "upload.metric_would_insert": ("将新增", "Would insert"),
    "upload.metric_inserted": ("已新增", "Inserted"),
    "upload.metric_duplicates": ("重复", "Duplicates"),
    "upload.metric_rejected": ("有错误", "Rejected"),
    "upload.file_summary": (
        "文件：{file}（{size}，{format}，{encoding}）",
        "File: {file} ({size}, {format}, {encoding})",
    ),
    "upload.header_line": ("表头在第 {line} 行。", "Header found on line {line}."),
    "upload.ignored_columns": ("已忽略的列：{columns}", "Ignored columns: {columns}"),
    "upload.no_ignored_columns": ("没有被忽略的列。", "No columns were ignored."),
    "upload.duplicates_detail": (
        "重复：{in_file} 行与本文件前面的行相同，{in_db} 行已在数据库中。",
        "Duplicates: {in_file} repeat an earlier row of this file, {in_db} are already in the database.",
    ),
    "upload.errors_heading": ("错误明细", "Row errors"),
    "upload.errors_truncated": (
        "仅显示前 {shown} 条错误（共 {total} 条）；完整内容请下载错误行。",
        "Showing the first {shown} of {total} errors; download the rejected rows for all of them.",
    ),
    "upload.col_line": ("行号", "Line"),
    "upload.col_column": ("列", "Column"),
    "upload.col_value": ("值", "Value"),
    "upload.col_message": ("问题", "Problem"),
    "upload.download_rejected": (
        "下载错误行（CSV，含错误原因列）",
        "Download rejected rows (CSV with an error column)",
    ),
    "upload.all_good": ("全部数据行均可导入。", "Every row can be imported."),
    "upload.nothing_to_insert": ("没有需要新增的记录。", "There is nothing new to insert."),
    "upload.nothing_to_commit": (
        "这份文件没有可新增的记录（将新增 0 行），无需提交，也不会产生空批次。",
        "This file has nothing to add (0 rows would be inserted): there is nothing to commit, and no empty batch.",
    ),
    "upload.nothing_committed": (
        "没有新增任何记录，因此未提交，也没有产生批次。",
        "Nothing was added, so nothing was committed and no batch was recorded.",
    ),
    "upload.committed": (
        "已提交为批次 #{batch}：新增 {inserted} 条，重复 {duplicates} 条，错误 {rejected} 条。",
        "Committed as batch #{batch}: inserted {inserted}, duplicates {duplicates}, rejected {rejected}.",
    ),
    "upload.strict_blocked": (
        "严格模式：文件中有 {rejected} 行错误，未提交任何内容。",
        "Strict mode: {rejected} rows were rejected, so nothing was committed.",
    ),
    "upload.same_file": (
        "这个文件（内容完全相同）已在批次 #{batch} 上传过，重复记录不会再次写入。",
        "This exact file was already uploaded as batch #{batch}; its rows will not be stored twice.",
    ),
    "upload.stale": ("文件或选项已变化，请重新预检。", "The file or options changed; please check again."),
    "upload.check_first": ("请先预检，再提交。", "Check the file first, then commit."),
    "upload.file_error": ("无法读取此文件：{reason}", "This file cannot be used: {reason}"),
    "upload.progress_title": ("正在处理 {file}…", "Processing {file}…"),
    "upload.progress_done": ("处理完成", "Done"),
    "upload.progress.read": ("读取文件", "Reading the file"),
    "upload.progress.parse": ("解析表格", "Parsing rows"),
    "upload.progress.validate": ("校验数据", "Validating"),
    "upload.progress.commit": ("写入数据库", "Writing to the database"),
    "upload.progress.done": ("完成", "Done"),
    "upload.history": ("上传历史", "Upload history"),
    "upload.history_empty": ("还没有上传记录。", "No uploads yet."),
    "upload.col_batch": ("批次", "Batch"),
    "upload.col_file": ("文件", "File"),
    "upload.col_rows": ("行数", "Rows"),
    "upload.col_inserted": ("新增", "Inserted"),
    "upload.col_duplicates": ("重复", "Duplicates"),
    "upload.col_rejected": ("错误", "Rejected"),
    "upload.col_uploaded_by": ("上传人", "Uploaded by"),
    "upload.col_uploaded_at": ("上传时间", "Uploaded at"),
    "upload.col_status": ("状态", "Status"),
    "upload.status_active": ("有效", "Active"),
    "upload.status_undone": ("已撤销", "Undone"),
    "upload.undo_pick": ("撤销批次", "Undo a batch"),
    "upload.undo_button": ("撤销所选批次", "Undo the selected batch"),
    "upload.undo_confirm": (
        "确认撤销批次 #{batch}（删除该批次新增的 {inserted} 条记录）",
        "Yes, undo batch #{batch} (removes the {inserted} records it inserted)",
    ),
    "upload.undo_none": ("没有可撤销的批次。", "There is no batch to undo."),
    "upload.download_batch_rejected": ("下载该批次的错误行", "Download this batch's rejected rows"),
    "upload.db_busy": (
        "数据库正被其他进程写入，请稍后重试。",
        "Another process is writing to the database; please try again shortly.",
    ),
    # ---- undo (page and command line)
    "ingest.undo.done": (
        "已撤销批次 #{batch}：删除 {removed} 条记录。",
        "Undid batch #{batch}: removed {removed} records.",
    ),
    "ingest.undo.already": (
        "批次 #{batch} 已于 {when} 撤销，未作任何改动。",
        "Batch #{batch} was already undone at {when}; nothing changed.",
    ),
    "ingest.undo.unknown": ("没有编号为 #{batch} 的上传批次。", "There is no upload batch #{batch}."),
    # ---- command line
    "ingest.cli.summary": (
        "{file}：{rows} 行，新增 {inserted}，重复 {duplicates}，错误 {rejected}{batch}",
        "{file}: {rows} rows, {inserted} inserted, {duplicates} duplicates, {rejected} rejected{batch}",
    ),
    "ingest.cli.summary_dry": (
        "{file}（预检，未写入）：{rows} 行，将新增 {inserted}，重复 {duplicates}，错误 {rejected}",
        "{file} (dry run, nothing written): {rows} rows, {inserted} would be inserted, {duplicates} duplicates, "
        "{rejected} rejected",
    ),
    "ingest.cli.batch": ("（批次 #{batch}）", " (batch #{batch})"),
    "ingest.cli.error_line": ("  第 {line} 行 [{column}] {message}", "  line {line} [{column}] {message}"),
    "ingest.cli.ignored": ("  已忽略的列：{columns}", "  ignored columns: {columns}"),
    "ingest.cli.no_database": (
        "数据库 {path} 不存在；请先运行 python -m assistance init",
        "database {path} does not exist; run `python -m assistance init` first",
    ),
    "ingest.cli.old_schema": (
        "数据库 {path} 的结构版本过旧；请先运行 python -m assistance init 升级",
        "database {path} has an old schema; run `python -m assistance init` to upgrade it",
    ),
    "ingest.cli.no_batches": ("还没有上传批次。", "No upload batches yet."),
    # ---- file-level problems (the file cannot be used at all: exit status 2)
    "ingest.file.too_large": (
        "文件大小 {size_mb} MB，超过上限 {limit_mb} MB（可用环境变量 ASSISTANCE_MAX_UPLOAD_MB 调整）",
        "the file is {size_mb} MB, over the {limit_mb} MB limit (set ASSISTANCE_MAX_UPLOAD_MB to change it)",
    ),
    "ingest.file.not_found": ("找不到文件 {path}", "file {path} not found"),
    "ingest.file.unreadable": ("无法读取文件：{detail}", "the file cannot be read: {detail}"),
    "ingest.file.empty": ("文件是空的", "the file is empty"),
    "ingest.file.binary": (
        "这不是 CSV 文本或 Excel/WPS 工作簿（含二进制内容）；请在 Excel/WPS 中另存为 CSV（UTF-8）或 XLSX",
        "this is neither CSV text nor an Excel/WPS workbook (it holds binary data); save it from Excel/WPS as CSV "
        "(UTF-8) or XLSX",
    ),
    "ingest.file.encoding": (
        "无法识别文件编码（不是 UTF-8 或 GBK/GB18030）；请另存为 CSV（UTF-8）",
        "the text encoding is not UTF-8 or GBK/GB18030; save the file as CSV (UTF-8)",
    ),
    "ingest.file.xls": (
        "无法打开这个旧版 Excel（.xls/.et）工作簿，它可能已损坏或设有打开密码（{detail}）；"
        "请在 Excel/WPS 中取消密码或另存为 .xlsx 或 CSV 后上传",
        "this old Excel (.xls/.et) workbook cannot be opened: it may be damaged or password-protected ({detail}); "
        "remove the password or save it from Excel/WPS as .xlsx or CSV and upload that",
    ),
    "ingest.file.ods": (
        "OpenDocument 表格（.ods）已损坏或无法打开：{detail}",
        "the OpenDocument spreadsheet (.ods) is damaged or cannot be opened: {detail}",
    ),
    "ingest.file.zip": (
        "这是 ZIP 压缩包而不是 XLSX 工作簿；请解压或另存为 .xlsx/CSV",
        "this is a ZIP archive, not an XLSX workbook; extract it or save as .xlsx or CSV",
    ),
    "ingest.file.xlsx_corrupt": (
        "XLSX 工作簿已损坏或无法打开：{detail}",
        "the XLSX workbook is damaged or cannot be opened: {detail}",
    ),
    "ingest.file.sheet_missing": (
        "工作簿中没有名为“{sheet}”的工作表；现有工作表：{sheets}",
        'the workbook has no sheet named "{sheet}"; its sheets are: {sheets}',
    ),
    "ingest.file.no_sheets": ("工作簿中没有工作表", "the workbook has no worksheet"),
    "ingest.file.no_header_in_sheets": (
        "工作簿的 {count} 个工作表（{sheets}）前 {scan} 行中都找不到表头。请在“工作表”下拉框中选择数据所在的工作表，"
        "再预检一次（命令行：--sheet 工作表名）",
        "none of the workbook's {count} sheets ({sheets}) has a header in its first {scan} rows. Choose the sheet "
        'that holds the data under "Sheet" and check again (command line: --sheet NAME)',
    ),
    "ingest.file.csv_malformed": (
        "CSV 格式错误（第 {line} 行附近）：{detail}",
        "malformed CSV near line {line}: {detail}",
    ),
    # ---- row errors: stored in both languages with each rejected row
    "ingest.err.required": ("“{column}”为必填项，不能为空", '"{column}" is required but empty'),
    "ingest.err.place_missing": (
        "受援学校和受援县不能都为空，请至少填写一项",
        "school and county are both empty; give at least one",
    ),
    "ingest.err.date_invalid": (
        "日期“{value}”无法识别（可用 YYYY-MM-DD、YYYY/M/D、YYYY.M.D 或 YYYY年M月D日）",
        'date "{value}" is not a valid date (use YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日)',
    ),
    "ingest.err.date_too_early": (
        "日期“{value}”早于项目开始日期 {earliest}",
        'date "{value}" is before the programme began ({earliest})',
    ),
    "ingest.err.date_future": ("日期“{value}”晚于今天（{today}）", 'date "{value}" is after today ({today})'),
    "ingest.err.number_invalid": ("“{column}”的值“{value}”不是数字", '"{column}" value "{value}" is not a number'),
    "ingest.err.number_negative": ("“{column}”不能为负数：“{value}”", '"{column}" cannot be negative: "{value}"'),
    "ingest.err.number_not_whole": ("“{column}”应为整数：“{value}”", '"{column}" must be a whole number: "{value}"'),
    "ingest.err.number_too_large": ("“{column}”的值过大：“{value}”", '"{column}" value is too large: "{value}"'),
    "ingest.err.measure_unknown": (
        "未知的帮扶举措“{value}”；请填写以下之一：{measures}",
        'unknown measure "{value}"; use one of: {measures}',
    ),
    "ingest.err.university_unknown": (
        "未登记的帮扶高校“{value}”",
        'university "{value}" is not registered',
    ),
    "ingest.err.school_unknown": ("未登记的受援学校“{value}”", 'school "{value}" is not registered'),
    "ingest.err.county_unknown": ("找不到受援县“{value}”", 'county "{value}" is unknown'),
    "ingest.err.school_not_paired": (
        "受援学校“{value}”不是该高校的帮扶学校；该高校的帮扶学校：{candidates}",
        'school "{value}" is not paired with this university; its schools are: {candidates}',
    ),
    "ingest.err.county_not_paired": (
        "该高校在受援县“{value}”没有帮扶学校；该高校的帮扶学校：{candidates}",
        'this university has no school in county "{value}"; its schools are: {candidates}',
    ),
    "ingest.err.school_county_mismatch": (
        "受援学校与受援县不一致：“{value}”；该校为 {candidates}",
        'school and county do not agree: "{value}"; the school is {candidates}',
    ),
    "ingest.err.ambiguous": (
        "“{value}”对应该高校的多所帮扶学校：{candidates}；请填写具体的受援学校",
        '"{value}" matches several of this university\'s schools: {candidates}; give the school',
    ),
    "ingest.err.title_too_long": (
        "活动名称过长（超过 {limit} 个字符）",
        "the title is too long (over {limit} characters)",
    ),
    # ---- the rejected-rows CSV and the templates
    "ingest.csv.error_column": ("错误原因", "error"),
    "ingest.csv.line_prefix": ("第 {line} 行：", "line {line}: "),
    "ingest.field.date": ("日期", "date"),
    "ingest.field.university": ("帮扶高校", "university"),
    "ingest.field.school": ("受援学校", "school"),
    "ingest.field.county": ("受援县", "county"),
    "ingest.field.measure": ("帮扶举措", "measure"),
    "ingest.field.title": ("活动名称", "title"),
    "ingest.field.teachers": ("参与教师人数", "teachers"),
    "ingest.field.students": ("参与学生人数", "students"),
    "ingest.field.hours": ("时长（小时）", "hours"),
    "ingest.field.notes": ("备注", "notes"),
    "ingest.format.csv": ("CSV", "CSV"),
    "ingest.format.xlsx": ("XLSX", "XLSX"),
    "ingest.format.xls": ("XLS（旧版 Excel）", "XLS (Excel 97-2003)"),
    "ingest.format.ods": ("ODS（OpenDocument）", "ODS (OpenDocument)"),
    "template.sheet_data": ("活动记录", "activities"),
    "template.sheet_help": ("填写说明", "instructions"),
    "template.sheet_lists": ("选项", "lists"),
    "template.help_title": ("活动记录填写说明", "How to fill in the activity log"),
    "template.help_columns": ("列", "Column"),
    "template.help_required": ("是否必填", "Required"),
    "template.help_content": ("内容", "Content"),
    "template.required_yes": ("必填", "yes"),
    "template.required_no": ("选填", "no"),
    "template.required_one_of": ("学校与县至少填一项", "school or county (at least one)"),
    "template.help.date": (
        "活动日期：YYYY-MM-DD（也可 YYYY/M/D、YYYY.M.D、YYYY年M月D日），不早于 2022-06-01，不晚于今天",
        "Activity date: YYYY-MM-DD (also YYYY/M/D, YYYY.M.D, YYYY年M月D日); not before 2022-06-01 or after today",
    ),
    "template.help.university": ("帮扶高校名称或简称（如 北京师范大学、北师大）", "University name or alias"),
    "template.help.school": ("受援学校名称或简称", "School name or alias"),
    "template.help.county": (
        "受援县名称；须能唯一确定该高校的一所帮扶学校",
        "County name; must identify exactly one of the university's schools",
    ),
    "template.help.measure": ("帮扶举措（中文名称或英文代码，见下拉列表）", "Measure code or Chinese label (see list)"),
    "template.help.title": ("活动名称（简短文字）", "Activity title (short text)"),
    "template.help.teachers": ("参与教师人数，非负整数", "Teachers taking part: whole number ≥ 0"),
    "template.help.students": ("参与学生人数，非负整数", "Students taking part: whole number ≥ 0"),
    "template.help.hours": ("时长（小时），非负数", "Duration in hours: number ≥ 0"),
    "template.help.notes": ("备注（选填）", "Notes (optional)"),
    "template.help_footer": (
        "同一配对、同一日期、同一举措、同名活动视为同一条记录，重复上传不会重复计入。",
        "A row with the same pairing, date, measure and title as an existing one is a duplicate and is not stored "
        "twice.",
    ),
    "template.validation_title": ("请从列表中选择", "Choose from the list"),
    "template.validation_warning": (
        "该值不在列表中；如为已登记的简称可继续。",
        "This value is not in the list; continue if it is a registered alias.",
    ),
}
