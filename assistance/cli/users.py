"""`python -m assistance users add|list|disable|reset` (docs/contracts.md, "Command line"): the accounts of
issue 12. Passwords are read from standard input (`--password-stdin`, the first line), never from the command
line, where other users of the machine could read them; they are hashed before anything is stored. Each change is
written to the audit trail as `cli:<operating-system user>`, in the change's own transaction. Exit status 0 done,
2 refused (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from assistance.access.accounts import (
    CLI,
    ROLES,
    AccountError,
    add_account,
    disable_account,
    list_accounts,
    reset_password,
)
from assistance.cli.common import fail, language, open_db
from assistance.i18n import t
from assistance.store import db


def add_command(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    users = sub.add_parser("users", help="accounts: add, list, disable, reset a password")
    actions = users.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("username")
    # Not argparse `choices`: an unknown role is refused by add_account like every other bad value (one line on
    # stderr, status 2), not with argparse's usage text.
    add.add_argument("--role", required=True, metavar="ROLE", help=f"one of: {', '.join(ROLES)}")
    add.add_argument("--university", help="the supporting party of a university account (or a viewer's scope)")
    add.add_argument("--province", help="the province code or name of a province account (or a viewer's scope)")
    add.add_argument("--school", help="the school of a school account")
    add.add_argument("--identity", help="the e-mail or subject an identity provider (OIDC) signs this account in as")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    add_db(add)
    listing = actions.add_parser("list", help="list accounts")
    listing.add_argument("--json", action="store_true")
    add_db(listing)
    disable = actions.add_parser("disable", help="disable an account and end its sessions")
    disable.add_argument("username")
    add_db(disable)
    reset = actions.add_parser("reset", help="set a new password (read from stdin) and end the account's sessions")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true", required=True)
    add_db(reset)


def _password(args: argparse.Namespace) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    return sys.stdin.readline().rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    lang = language()
    try:
        con, status = open_db(args, read_only=args.users_command == "list")
    except db.DatabaseBusy:  # file mode: the running app holds the file, and accounts have no page in the app
        return fail(t("users.err.busy", lang, path=args.db or db.location()))
    if con is None:
        return status
    try:
        if args.users_command == "list":
            accounts = list_accounts(con)
            if args.json:
                print(json.dumps([account.to_dict() for account in accounts], ensure_ascii=False))
            for account in [] if args.json else accounts:
                scope = account.university or account.province_code or account.school or "—"
                state = t("users.disabled", lang) if account.disabled else ""
                print(f"{account.username}\t{account.role}\t{scope}\t{account.identity or ''}\t{state}".rstrip())
            return 0
        try:
            if args.users_command == "add":
                password = _password(args)
                if password is None and not args.identity:
                    return fail(t("users.err.password_stdin", lang))
                account = add_account(
                    con, args.username, args.role, password, university=args.university, province=args.province,
                    school=args.school, identity=args.identity, audit_as=CLI,
                )  # fmt: skip
                print(t("users.added", lang, username=account.username, role=account.role))
            elif args.users_command == "disable":
                disable_account(con, args.username, audit_as=CLI)
                print(t("users.disabled_done", lang, username=args.username))
            else:
                reset_password(con, args.username, _password(args) or "", audit_as=CLI)
                print(t("users.reset_done", lang, username=args.username))
        except AccountError as error:
            return fail(t(f"users.err.{error.code}", lang, value=error.value))
        return 0
    finally:
        con.close()
