"""Strings of the Audit log page (审计日志, issue 12): its filters, table, download and refusal."""

STRINGS = {
    "audit.nav": ("审计日志", "Audit log"),
    "audit.intro": (
        "每次登录、退出和每一项写操作（上传、导入、撤销、编辑、账户变更）都记录在此：谁、何时、做了什么、涉及哪个批次或"
        "对象。记录只增不改。侧栏的筛选不作用于本页。",
        "Every sign-in, sign-out and write (uploads, imports, undos, edits, account changes) is recorded here: who, "
        "when, what, and which batch or record. Events are only ever added, never changed. The sidebar's filters "
        "do not apply to this page.",
    ),
    "audit.refused": (
        "只有教育部账户可以查看审计日志。",
        "Only ministry accounts can see the audit log.",
    ),
    "audit.filter.user": ("用户", "User"),
    "audit.filter.all_users": ("全部用户", "All users"),
    "audit.filter.action": ("操作", "Action"),
    "audit.filter.all_actions": ("全部操作", "All actions"),
    "audit.filter.days": ("日期范围", "Dates"),
    "audit.filter.days_help": (
        "留空为全部日期；起止日期都包括在内。",
        "Leave empty for every day; both ends are included.",
    ),
    "audit.action.sign_in": ("登录", "Sign-in"),
    "audit.action.sign_out": ("退出登录", "Sign-out"),
    "audit.action.upload": ("上传活动记录", "Activity upload"),
    "audit.action.undo": ("撤销批次", "Batch undone"),
    "audit.action.registry_import": ("导入帮扶名册", "Registry import"),
    "audit.action.plan_import": ("导入一校一策计划", "Plan import"),
    "audit.action.user_add": ("创建账户", "Account created"),
    "audit.action.user_disable": ("停用账户", "Account disabled"),
    "audit.action.user_reset": ("重设密码", "Password reset"),
    "audit.col.event": ("编号", "Event"),
    "audit.col.at": ("时间", "Time"),
    "audit.col.username": ("用户", "User"),
    "audit.col.role": ("角色", "Role"),
    "audit.col.action": ("操作", "Action"),
    "audit.col.target": ("对象", "Target"),
    "audit.col.batch": ("批次", "Batch"),
    "audit.col.detail": ("详情", "Detail"),
    "audit.empty": ("没有符合条件的记录。", "No event matches these filters."),
    "audit.download": (
        "下载筛选后的 {count} 条记录",
        "Download the {count} events these filters select",
    ),
    "audit.csv": ("CSV", "CSV"),
    "audit.csv_help": (
        "UTF-8（带 BOM）CSV，可直接用 Excel、WPS 打开；包含当前筛选的全部记录（不只本页）。",
        "UTF-8 CSV with a byte-order mark (opens cleanly in Excel and WPS): every event the filters select, not "
        "only this page.",
    ),
    "audit.file": ("审计日志", "audit log"),
}
