"""`alignboard users`: the dashboard's users file ($ALIGNBOARD_USERS, default data/users.yaml).

  alignboard users add NAME --scope LEVEL[:ENTITY_ID] [--students] [--password-stdin] [--file PATH]
  alignboard users list [--file PATH]
  alignboard users remove NAME [--file PATH]

Passwords are stored as werkzeug hashes, never as text. Without --password-stdin the password is
asked twice on the terminal. Exit 0 ok, 1 the file or the request is wrong, 2 usage error.
"""
from __future__ import annotations

import argparse
import getpass
import sys

HELP = "Add, list or remove dashboard users (scope and whether they may see students)."
PROG = "alignboard users"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_subparsers(dest="users", required=True, metavar="ACTION")
    add = what.add_parser("add", help="add a user, or replace their scope and password",
                          description="Add a dashboard user, or replace an existing user's scope and password.")
    add.add_argument("name", help="the user name they log in with")
    add.add_argument("--scope", required=True, metavar="LEVEL[:ENTITY_ID]",
                     help="district (every district), district:ID, department:ID, school:ID, plc:ID or classroom:ID")
    add.add_argument("--students", action="store_true",
                     help="may see student-level rows in the scope")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    _file(add)
    _file(what.add_parser("list", help="list the users, their scope and student access"))
    remove = what.add_parser("remove", help="remove a user")
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
        raise ValueError("the two passwords differ")
    return first


def run(args: argparse.Namespace) -> int:
    from dashboards import auth

    try:
        if args.users == "add":
            auth.parse_scope(args.scope)  # before asking for a password
            user = auth.add_user(args.name, args.scope, _password(args.password_stdin), args.students, args.file)
            access = "with" if user.may_see_students else "without"
            print(f"{user.name}: scope {user.scope}, {access} student-level rows")
        elif args.users == "remove":
            auth.remove_user(args.name, args.file)
            print(f"{args.name}: removed")
        else:
            users = auth.load_users(args.file)
            if not users:
                print("(no users)")
            width = max((len(n) for n in users), default=4)
            for user in sorted(users.values(), key=lambda u: u.name):
                print(f"{user.name:<{width}}  {user.scope:<24}  {'students' if user.may_see_students else 'aggregates only'}")
    except (auth.UsersFileError, ValueError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{PROG}: cannot write {error.filename}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
