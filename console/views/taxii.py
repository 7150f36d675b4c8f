"""The read-only TAXII 2.1 API of the console (docs/taxii.md): discovery at /taxii2/, one API
root, one collection per agency holding the STIX objects of the reports routed to it.

Callers present an agency's API key (console.taxii_keys) over HTTP Basic (user name: the
agency code, password: the key) or as ``Authorization: Bearer <key>`` (or ``Token <key>``,
what taxii2-client's TokenAuth sends). A key sees what a console user of its agency sees: the
collection of its own agency, nothing else; other collections answer 404 as if they did not
exist. Every request that returns report content is written to the audit log.
"""

from __future__ import annotations

import binascii
import logging
from base64 import b64decode
from typing import Any

from flask import Blueprint, Response, abort, g, json, request, url_for
from werkzeug.exceptions import HTTPException

from console import audit
from console.db import db
from console.taxii import (
    TAXII_CONTENT_TYPE,
    FilterError,
    Filters,
    Page,
    collection_id,
    collection_objects,
    page_of,
)
from console.taxii_keys import active_key
from console.views.common import client_ip
from scamreport.forwarding.stix import STIX_CONTENT_TYPE
from scamreport.registry import RegistryError, load_registry
from scamreport.storage.models import TaxiiApiKey

blueprint = Blueprint("taxii", __name__, url_prefix="/taxii2")
log = logging.getLogger(__name__)

API_ROOT = "reports"
REALM = 'Basic realm="ScamReport TAXII", charset="UTF-8"'
# The audit entry lists the ids of a page's objects up to this many.
MAX_AUDITED_IDS = 200


def _taxii(document: dict[str, Any], status: int = 200, **headers: str) -> Response:
    response = Response(json.dumps(document), status=status, content_type=TAXII_CONTENT_TYPE)
    response.headers.update(headers)
    return response


@blueprint.errorhandler(HTTPException)
def _error(error: HTTPException) -> Response:
    """Errors as TAXII error messages (section 3.6.1)."""
    status = error.code or 500
    headers = {"WWW-Authenticate": REALM} if status == 401 else {}
    return _taxii(
        {
            "title": error.name,
            "description": error.description or error.name,
            "http_status": str(status),
        },
        status,
        **headers,
    )


def _presented_key() -> tuple[str, str | None] | None:
    """(key, user name or None) from the Authorization header, or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() in ("bearer", "token") and value:
        return value, None
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return password, user
    return None


@blueprint.before_request
def _authenticate() -> None:
    presented = _presented_key()
    key = None if presented is None else active_key(db(), secret=presented[0])
    if key is not None and presented is not None and presented[1] not in (None, key.agency_code):
        key = None  # Basic auth names the agency the key is for
    if key is None:
        abort(401, description="Present your agency's TAXII API key (see docs/taxii.md).")
    accept = request.headers.get("Accept", "")
    if accept and not any(
        kind in accept for kind in ("application/taxii+json", "application/*", "*/*")
    ):
        abort(406, description=f"This server answers {TAXII_CONTENT_TYPE}.")
    g.taxii_key = key


def _key() -> TaxiiApiKey:
    key: TaxiiApiKey = g.taxii_key
    return key


def _agency_name(code: str) -> str:
    try:
        agency = load_registry().by_code(code)
    except RegistryError:
        agency = None
    return agency.name if agency is not None else code


def _collection(key: TaxiiApiKey) -> dict[str, Any]:
    return {
        "id": collection_id(key.agency_code),
        "title": f"Scam reports routed to {_agency_name(key.agency_code)}",
        "description": "STIX 2.1 objects of the scam reports routed to this agency: the "
        "report, its indicators and observables (phone numbers, URLs, e-mail addresses, bank "
        "accounts, crypto wallets, handles). Reported by members of the public; not verified. "
        "TLP:AMBER.",
        "alias": key.agency_code,
        "can_read": True,
        "can_write": False,
        "media_types": [STIX_CONTENT_TYPE],
    }


def _own_collection(collection: str) -> TaxiiApiKey:
    """The key, when ``collection`` is its agency's (else 404, as for any unknown id)."""
    key = _key()
    if collection not in (collection_id(key.agency_code), key.agency_code):
        abort(404, description="No such collection.")
    return key


def _filters(object_id: str | None = None) -> Filters:
    try:
        return Filters.from_args(request.args, object_id=object_id)
    except FilterError as error:
        abort(400, description=str(error))


def _page(key: TaxiiApiKey, object_id: str | None = None) -> Page:
    session = db()
    page = page_of(collection_objects(session, key.agency_code), _filters(object_id))
    audit.record(
        session,
        action="taxii_read",
        email=f"taxii key {key.id} ({key.label})",
        agency_code=key.agency_code,
        ip=client_ip(),
        details={
            "endpoint": request.endpoint,
            "query": request.query_string.decode("utf-8", "replace")[:500],
            "count": len(page.items),
            "ids": [item.id for item in page.items[:MAX_AUDITED_IDS]],
        },
    )
    session.commit()
    return page


def _paged(document: dict[str, Any], page: Page) -> Response:
    document = {"more": page.more, **({"next": page.next} if page.next else {}), **document}
    return _taxii(document, **page.headers())


@blueprint.get("/")
def discovery() -> Response:
    root = url_for("taxii.api_root", _external=True)
    return _taxii(
        {
            "title": "ScamReport TAXII 2.1",
            "description": "Scam reports from members of the public, per receiving agency.",
            "default": root,
            "api_roots": [root],
        }
    )


@blueprint.get(f"/{API_ROOT}/")
def api_root() -> Response:
    return _taxii(
        {
            "title": "ScamReport reports",
            "description": "One read-only collection per agency this key is for.",
            "versions": [TAXII_CONTENT_TYPE],
            # Nothing can be added here (every collection is read-only).
            "max_content_length": 0,
        }
    )


@blueprint.get(f"/{API_ROOT}/collections/")
def collections() -> Response:
    return _taxii({"collections": [_collection(_key())]})


@blueprint.get(f"/{API_ROOT}/collections/<collection>/")
def collection(collection: str) -> Response:
    return _taxii(_collection(_own_collection(collection)))


@blueprint.get(f"/{API_ROOT}/collections/<collection>/objects/")
def objects(collection: str) -> Response:
    page = _page(_own_collection(collection))
    return _paged({"objects": [item.body() for item in page.items]}, page)


@blueprint.get(f"/{API_ROOT}/collections/<collection>/objects/<object_id>/")
def one_object(collection: str, object_id: str) -> Response:
    page = _page(_own_collection(collection), object_id)
    if not page.items:
        abort(404, description="No such object in this collection.")
    return _paged({"objects": [item.body() for item in page.items]}, page)


@blueprint.get(f"/{API_ROOT}/collections/<collection>/objects/<object_id>/versions/")
def versions(collection: str, object_id: str) -> Response:
    page = _page(_own_collection(collection), object_id)
    if not page.items:
        abort(404, description="No such object in this collection.")
    return _paged({"versions": [item.version for item in page.items]}, page)


@blueprint.get(f"/{API_ROOT}/collections/<collection>/manifest/")
def manifest(collection: str) -> Response:
    page = _page(_own_collection(collection))
    return _paged({"objects": [item.manifest_entry() for item in page.items]}, page)


@blueprint.route(f"/{API_ROOT}/collections/<collection>/objects/", methods=["POST"])
@blueprint.route(f"/{API_ROOT}/collections/<collection>/objects/<object_id>/", methods=["DELETE"])
def refuse_write(collection: str, object_id: str | None = None) -> Response:
    _own_collection(collection)
    abort(403, description="This collection is read-only (can_write is false).")
