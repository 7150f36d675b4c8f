"""`scamreport taxii-keys`: API keys of the console's TAXII 2.1 API (create, list, revoke).

A key is printed once, when it is created; only its SHA-256 is stored (console.taxii_keys).
"""

from __future__ import annotations

import argparse

from sqlalchemy.orm import Session

from console.cli.session import run_in_session
from console.taxii_keys import TaxiiKeyError, create_key, list_keys, revoke_key
from scamreport.registry import load_registry


def run_taxii_keys(args: argparse.Namespace) -> int:
    return run_in_session(_dispatch, args, refusals=(TaxiiKeyError,))


def _dispatch(session: Session, args: argparse.Namespace) -> int:
    if args.taxii_keys_command == "create":
        from console.taxii import collection_id  # loads stix2: only when a key is made

        if load_registry().by_code(args.agency) is None:
            raise TaxiiKeyError(f"unknown agency {args.agency!r} (see `scamreport agencies`)")
        created = create_key(session, agency_code=args.agency, label=args.label)
        print(f"created TAXII key {created.row.id} for {args.agency} ({created.row.label})")
        print(f"collection id: {collection_id(args.agency)}")
        print("key (shown once, store it in the agency's TAXII client now):")
        print(created.secret)
        return 0
    if args.taxii_keys_command == "list":
        for key in list_keys(session, agency_code=args.agency):
            state = "active" if key.revoked_at is None else "revoked"
            created = key.created_at.strftime("%Y-%m-%d %H:%M")
            print(f"{key.id:6} {key.agency_code:20} {state:8} {created} UTC  {key.label}")
        return 0
    key = revoke_key(session, key_id=args.id)
    print(f"revoked TAXII key {key.id} of {key.agency_code} ({key.label})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("taxii-keys", help="API keys of the console's TAXII 2.1 API")
    commands = parser.add_subparsers(dest="taxii_keys_command", required=True)
    create = commands.add_parser("create", help="make a key for an agency (shown once)")
    create.add_argument("--agency", required=True, help="agency code from the registry")
    create.add_argument("--label", required=True, help="what the key is for, e.g. 'SPF MISP'")
    listing = commands.add_parser("list", help="list keys (never the keys themselves)")
    listing.add_argument("--agency", help="only this agency's keys")
    revoke = commands.add_parser("revoke", help="stop a key working")
    revoke.add_argument("--id", required=True, type=int, help="the key's id (see list)")
    parser.set_defaults(handler=run_taxii_keys)
