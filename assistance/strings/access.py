"""Strings of accounts, sign-in, scope and the audit log (issue 12)."""

STRINGS = {
    # python -m assistance users
    "users.added": ("已创建账户 {username}（角色 {role}）。", "Account {username} created (role {role})."),
    "users.disabled": ("已停用", "disabled"),
    "users.disabled_done": (
        "已停用账户 {username}，其登录会话已结束。",
        "Account {username} disabled; its sessions ended.",
    ),
    "users.reset_done": (
        "已为 {username} 设置新密码，其登录会话已结束。",
        "New password set for {username}; its sessions ended.",
    ),
    "users.err.password_stdin": (
        "请用 --password-stdin 从标准输入提供密码（或用 --identity 建立只用单点登录的账户）。",
        "give the password on standard input with --password-stdin (or --identity for a single sign-on account)",
    ),
    "users.err.username_invalid": (
        "用户名须为 1–64 个字符，不含空白：{value}",
        "a username is 1–64 characters without spaces: {value}",
    ),
    "users.err.password_short": ("密码至少 {value} 个字符。", "a password has at least {value} characters"),
    "users.err.username_taken": ("用户名 {value} 已存在。", "username {value} already exists"),
    "users.err.identity_taken": (
        "身份 {value} 已属于另一个账户。",
        "identity {value} already belongs to another account",
    ),
    "users.err.role_unknown": ("没有角色 {value}。", "no role {value}"),
    "users.err.scope_mismatch": (
        "角色 {value} 的范围不对：province 只用 --province，university 只用 --university，school 只用 --school，"
        "viewer 至多用 --province 或 --university 之一，ministry 不用范围。",
        "wrong scope for role {value}: province takes --province only, university --university only, school "
        "--school only, viewer at most one of --province or --university, ministry none",
    ),
    "users.err.province_required": ("角色 {value} 需要 --province。", "role {value} needs --province"),
    "users.err.university_required": ("角色 {value} 需要 --university。", "role {value} needs --university"),
    "users.err.school_required": ("角色 {value} 需要 --school。", "role {value} needs --school"),
    "users.err.province_unknown": ("项目中没有省份 {value}。", "no province {value} in the programme"),
    "users.err.university_unknown": ("名录中没有帮扶单位 {value}。", "no supporting party {value} in the registry"),
    "users.err.school_unknown": ("名录中没有学校 {value}。", "no school {value} in the registry"),
    "users.err.school_ambiguous": (
        "有多所学校叫 {value}，请写全称。",
        "several schools are called {value}; give the full name",
    ),
    "users.err.user_unknown": ("没有账户 {value}。", "no account {value}"),
    "users.err.busy": (
        "数据库 {path} 正被其他进程（运行中的应用或另一条命令）占用。账户只能在命令行管理："
        "先停止使用这个数据库文件的应用（每个 streamlit run），再运行本命令，然后重新启动应用。",
        "database {path} is in use by another process (the running app or another command). Accounts are managed "
        "on the command line only: stop the app that uses this database file (every streamlit run), run this "
        "command, then start the app again",
    ),
    # roles
    "role.ministry": ("教育部", "Ministry"),
    "role.province": ("省级教育部门", "Provincial department"),
    "role.university": ("帮扶高校", "University"),
    "role.school": ("受援学校", "School"),
    "role.viewer": ("只读", "Viewer"),
    "role.cli": ("命令行", "Command line"),
    # sign-in
    "signin.title": ("登录", "Sign in"),
    "signin.username": ("用户名", "Username"),
    "signin.password": ("密码", "Password"),
    "signin.submit": ("登录", "Sign in"),
    "signin.refused": (
        "用户名或密码不正确，或账户不可用。",
        "The username or password is not right, or the account cannot be used.",
    ),
    "signin.wait": (
        "尝试次数过多，请 {seconds} 秒后再试。",
        "Too many attempts: try again in {seconds} seconds.",
    ),
    "signin.sso": ("用单位账号登录（单点登录）", "Sign in with your organisation (single sign-on)"),
    "signin.sso_unknown": (
        "身份 {identity} 还没有本系统的账户，请联系教育部管理员。",
        "The identity {identity} has no account here yet; ask a ministry administrator.",
    ),
    "signin.no_cookie": (
        "未配置会话密钥：刷新页面后需要重新登录（见 README“部署”）。",
        "No session secret is configured: a reload signs you out (see the README, Deployment).",
    ),
    "signin.signed_in_as": ("已登录：{username}", "Signed in: {username}"),
    "signin.scope": ("{role} · {scope}", "{role} · {scope}"),
    "signin.national": ("全国", "national"),
    "signin.sign_out": ("退出登录", "Sign out"),
    "signin.read_only": (
        "只读演示：尚未建立任何账户，所有写操作（上传、撤销、导入）均已停用。建立第一个教育部账户："
        "`python -m assistance users add 用户名 --role ministry --password-stdin`",
        "Read-only demo: no account exists yet, so every write (upload, undo, import) is switched off. Create the "
        "first ministry account: `python -m assistance users add NAME --role ministry --password-stdin`",
    ),
    # scope
    "scope.yours": ("您的范围：{scope}", "Your scope: {scope}"),
    "scope.outside_link": (
        "链接中的 {parts} 不在您的权限范围内，已忽略；页面只显示您范围内的数据。",
        "The link's {parts} lies outside your scope and was ignored; the page shows your own data only.",
    ),
    "access.denied.signed_out": ("请先登录。", "Please sign in first."),
    "access.denied.read_only": (
        "尚未建立账户，本系统目前只读。",
        "No account exists yet: the app is read-only.",
    ),
    "access.denied.role": (
        "您的角色（{role}）不能进行此操作。",
        "Your role ({role}) cannot do this.",
    ),
    "access.denied.undo": (
        "批次 #{batch} 不是您（或与您同一范围的账户）上传的，不能撤销。",
        "Batch #{batch} was not uploaded by you or an account of your scope: it cannot be undone by you.",
    ),
    "registry.err.outside_scope": (
        "“{value}”不在您的权限范围内（省级账户只管理本省的省级、市级配对）",
        '"{value}" is outside your scope (a province account manages its own provincial and municipal pairings)',
    ),
    "plans.err.outside_scope": (
        "“{value}”的这个配对不在您的权限范围内",
        'the pairing of "{value}" is outside your scope',
    ),
    "upload.uploading_as": (
        "以 {username} 的身份上传；批次记在该账户名下。",
        "Uploading as {username}; the batch is recorded under this account.",
    ),
    "ingest.err.outside_scope": (
        "{column}「{value}」：这所学校不在您的权限范围内（outside your scope）",
        "{column} '{value}': this school is outside your scope",
    ),
}
