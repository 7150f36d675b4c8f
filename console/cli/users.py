"""`scamreport users`: console accounts (create, list, disable, set a new password)."""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.orm import Session

from console.cli.session import run_in_session
from console.users import (
    UserError,
    create_user,
    deactivate_user,
    find_user,
    list_users,
    set_password,
)
from scamreport.registry import load_registry
from scamreport.storage.models.console import CONSOLE_ROLES


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        # One line; the trailing newline is not part of the password.
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the password: pipe it in with --password-stdin")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise UserError("the two passwords differ")
    return first


def _check_agency(code: str) -> None:
    registry = load_registry()
    if registry.by_code(code) is None:
        raise UserError(f"unknown agency {code!r} (see `scamreport agencies`)")


def run_users(args: argparse.Namespace) -> int:
    return run_in_session(_dispatch, args, refusals=(UserError,))


def _dispatch(session: Session, args: argparse.Namespace) -> int:
    if args.users_command == "create":
        _check_agency(args.agency)
        user = create_user(
            session,
            email=args.email,
            password=_read_password(args),
            agency_code=args.agency,
            role=args.role,
        )
        print(f"created {user.email} ({user.role} at {user.agency_code})")
        return 0
    if args.users_command == "list":
        for user in list_users(session, agency_code=args.agency):
            state = "active" if user.active else "disabled"
            print(f"{user.agency_code:20} {user.role:10} {state:8} {user.email}")
        return 0
    user = find_user(session, email=args.email)
    if user is None:
        raise UserError(f"no user with e-mail {args.email}")
    if args.users_command == "disable":
        deactivate_user(session, user=user)
        print(f"disabled {user.email} and ended their sessions")
        return 0
    set_password(session, user=user, password=_read_password(args))
    print(f"set a new password for {user.email} and ended their sessions")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("users", help="police console accounts")
    commands = parser.add_subparsers(dest="users_command", required=True)
    create = commands.add_parser("create", help="add a user of an agency")
    create.add_argument("--agency", required=True, help="agency code from the registry")
    create.add_argument("--role", required=True, choices=CONSOLE_ROLES)
    create.add_argument("--email", required=True)
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    listing = commands.add_parser("list", help="list users")
    listing.add_argument("--agency", help="only this agency's users")
    disable = commands.add_parser("disable", help="stop a user signing in")
    disable.add_argument("--email", required=True)
    reset = commands.add_parser("set-password", help="give a user a new password")
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    parser.set_defaults(handler=run_users)
