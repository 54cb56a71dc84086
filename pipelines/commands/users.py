"""`alignboard users`: the dashboard's users file ($ALIGNBOARD_USERS, default data/users.yaml).

  alignboard users add NAME --scope LEVEL[:ENTITY_ID] [--students] [--password-stdin] [--force]
                           [--warehouse PATH] [--file PATH]
  alignboard users list [--file PATH]
  alignboard users remove NAME [--file PATH]

Passwords are stored as werkzeug hashes, never as text, and have at least 12 characters. Without
--password-stdin the password is asked twice on the terminal. The scope's entity must be in the
warehouse (--force: a user set up before the first load). Adding an existing user (a new
password) or removing one ends every session of theirs. Exit 0 ok, 1 the file, the warehouse or
the request is wrong, 2 usage error (a password too short).
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

HELP = "Add, list or remove dashboard users (scope and whether they may see students)."
PROG = "alignboard users"
SCOPE_SQL = Path(__file__).with_name("users_scope.sql")


class UsageError(ValueError):
    """A request the command cannot take as given (exit 2)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from assets.warehouse import default_path

    what = parser.add_subparsers(dest="users", required=True, metavar="ACTION")
    add = what.add_parser("add", help="add a user, or replace their scope and password",
                          description="Add a dashboard user, or replace an existing user's scope and password "
                                      "(which ends every session of theirs).")
    add.add_argument("name", help="the user name they log in with")
    add.add_argument("--scope", required=True, metavar="LEVEL[:ENTITY_ID]",
                     help="district (every district), district:ID, department:ID, school:ID, plc:ID or classroom:ID")
    add.add_argument("--students", action="store_true",
                     help="may see student-level rows in the scope")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input (at least 12 characters)")
    add.add_argument("--warehouse", type=Path, default=Path(default_path()),
                     help="the warehouse the scope's entity must be in (default: $ALIGNBOARD_WAREHOUSE "
                          "or data/warehouse.duckdb)")
    add.add_argument("--force", action="store_true",
                     help="accept a scope whose entity is not in the warehouse (a user set up before the first load)")
    _file(add)
    _file(what.add_parser("list", help="list the users, their scope and student access"))
    remove = what.add_parser("remove", help="remove a user (ends every session of theirs)")
    remove.add_argument("name")
    _file(remove)


def _file(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", metavar="PATH",
                        help="users file (default: $ALIGNBOARD_USERS or data/users.yaml)")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Again: "):
        raise UsageError("the two passwords differ")
    return first


def _check_entity(warehouse: Path, scope: str, level: str, entity_id: str | None) -> None:
    """The scope's entity is in the warehouse (a typo would give a user who sees nothing)."""
    import duckdb

    from assets.warehouse import open_read_only

    if entity_id is None:
        return
    hint = "or add --force to set the user up before the first load"
    if not warehouse.is_file():
        raise ValueError(f"no warehouse at {warehouse} to check scope {scope} against; "
                         f"run `alignboard load` first, {hint}")
    try:
        with open_read_only(warehouse) as con:
            (found,) = con.execute(SCOPE_SQL.read_text(encoding="utf-8"),
                                   {"level": level, "entity_id": entity_id}).fetchone()
    except duckdb.Error as error:
        raise ValueError(f"{warehouse}: cannot read its entities ({str(error).splitlines()[0][:160]}); "
                         f"{hint}") from None
    if not found:
        raise ValueError(f"scope {scope}: there is no {level} {entity_id!r} in {warehouse}; check the id, {hint}")


def run(args: argparse.Namespace) -> int:
    from dashboards import auth

    try:
        if args.users == "add":
            level, entity_id = auth.parse_scope(args.scope)  # before asking for a password
            if not args.force:
                _check_entity(args.warehouse, args.scope, level, entity_id)
            password = _password(args.password_stdin)
            try:
                auth.check_password(password)
            except auth.UsersFileError as error:
                raise UsageError(str(error)) from None
            replaced = args.name in auth.load_users(args.file)
            user = auth.add_user(args.name, args.scope, password, args.students, args.file)
            access = "with" if user.may_see_students else "without"
            ended = "; their earlier sessions are ended" if replaced else ""
            print(f"{user.name}: scope {user.scope}, {access} student-level rows{ended}")
        elif args.users == "remove":
            auth.remove_user(args.name, args.file)
            print(f"{args.name}: removed, their sessions are ended")
        else:
            users = auth.load_users(args.file)
            if not users:
                print("(no users)")
            width = max((len(n) for n in users), default=4)
            for user in sorted(users.values(), key=lambda u: u.name):
                print(f"{user.name:<{width}}  {user.scope:<24}  {'students' if user.may_see_students else 'aggregates only'}")
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except (auth.UsersFileError, ValueError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{PROG}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
