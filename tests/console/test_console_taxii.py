"""The console's TAXII 2.1 API, served on a loopback port and read with taxii2-client: discovery,
collections, paging, added_after, filters, agency scoping by API key, read-only, audit; keys
made and revoked with `scamreport taxii-keys`. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import requests
import stix2
from console_fixtures import AGENCY_A, AGENCY_B, SHARED_PHONE, ConsoleEnv, build_console_env
from sqlalchemy import select
from taxii2client.common import TokenAuth
from taxii2client.exceptions import AccessError
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages
from werkzeug.serving import BaseWSGIServer, make_server

from console.taxii import collection_id, parse_timestamp
from console.taxii_keys import create_key, revoke_key
from scamreport.cli import main
from scamreport.storage.models import AuditEntry, Report, TaxiiApiKey
from scamreport.storage.records import NewConsent, NewDelivery, NewIndicator, NewReport
from scamreport.storage.repository import submit_report

TAXII = "application/taxii+json;version=2.1"


@dataclass
class Served:
    env: ConsoleEnv
    url: str  # the discovery URL
    key_a: str
    key_b: str
    revoked: str

    def collection(self, agency: str = AGENCY_A, key: str | None = None) -> Collection:
        key = key or (self.key_a if agency == AGENCY_A else self.key_b)
        url = f"{self.url}reports/collections/{collection_id(agency)}/"
        return Collection(url, user=agency, password=key)

    def references_of(self, objects: list[dict[str, Any]]) -> set[str]:
        return {
            obj["external_references"][0]["external_id"]
            for obj in objects
            if obj["type"] == "report"
        }


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Served]:
    database_url = None
    if request.param == "postgres":
        factory: Callable[[], str] = request.getfixturevalue("postgres_database_factory")
        database_url = factory()
    env = build_console_env(tmp_path / "taxii", users=False, database_url=database_url)
    with env.session() as session:
        key_a = create_key(session, agency_code=AGENCY_A, label="SPF MISP").secret
        key_b = create_key(session, agency_code=AGENCY_B, label="PDRM OpenCTI").secret
        old = create_key(session, agency_code=AGENCY_A, label="old laptop")
        revoke_key(session, key_id=old.row.id)
        session.commit()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, env.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Served(
        env=env,
        url=f"http://127.0.0.1:{server.server_port}/taxii2/",
        key_a=key_a,
        key_b=key_b,
        revoked=old.secret,
    )
    server.shutdown()
    thread.join(timeout=10)
    env.engine.dispose()


def every_object(collection: Collection, per_request: int, **filters: Any) -> list[Any]:
    pages = list(as_pages(collection.get_objects, per_request=per_request, **filters))
    assert all(len(page["objects"]) == per_request for page in pages[:-1])
    assert all(page["more"] for page in pages[:-1]) and not pages[-1]["more"]
    return [obj for page in pages for obj in page.get("objects", [])]


def test_discovery_lists_one_read_only_collection_of_the_keys_agency(served: Served) -> None:
    server = Server(served.url, user=AGENCY_A, password=served.key_a)
    assert server.title == "ScamReport TAXII 2.1"
    (api_root,) = server.api_roots
    assert api_root.url == server.default.url == f"{served.url}reports/"
    assert TAXII in api_root.versions
    (collection,) = api_root.collections
    assert collection.id == collection_id(AGENCY_A)
    assert "Singapore Police Force" in collection.title
    assert (collection.can_read, collection.can_write) == (True, False)
    assert collection.media_types == ["application/stix+json;version=2.1"]
    # Agency B's key sees B's collection only.
    (other,) = ApiRoot(api_root.url, user=AGENCY_B, password=served.key_b).collections
    assert other.id == collection_id(AGENCY_B)


def test_paging_through_the_objects_of_the_reports_routed_to_the_agency(
    served: Served,
) -> None:
    reports = served.env.reports
    collection = served.collection()
    objects = every_object(collection, per_request=4)
    ids = [obj["id"] for obj in objects]
    assert len(ids) == len(set(ids)), "an object shared by reports is listed once"
    assert served.references_of(objects) == {
        reports.a_hostile,
        reports.a_phishing,
        reports.both,
        *reports.a_plain,
    }
    # The shared phone number: one observable, two indicators (two reports name it).
    phones = [obj for obj in objects if obj["type"] == "phone-number"]
    assert [phone["value"] for phone in phones] == [SHARED_PHONE]
    assert (
        sum(obj["type"] == "indicator" and SHARED_PHONE in obj["pattern"] for obj in objects) == 2
    )
    # Every object is valid STIX 2.1 (the community types need allow_custom).
    bundle = stix2.parse(
        {"type": "bundle", "id": f"bundle--{collection.id}", "objects": objects}, allow_custom=True
    )
    assert len(bundle.objects) == len(objects)
    # The manifest pages list the same objects in the same order, with one version each.
    manifest = [
        entry
        for page in as_pages(collection.get_manifest, per_request=5)
        for entry in page.get("objects", [])
    ]
    assert [entry["id"] for entry in manifest] == ids
    dates = [parse_timestamp(entry["date_added"]) for entry in manifest]
    assert dates == sorted(dates)
    # One page with everything, when the limit allows it.
    whole = collection.get_objects(limit=1000)
    assert whole["more"] is False and [obj["id"] for obj in whole["objects"]] == ids


def test_added_after_returns_only_what_was_routed_since(served: Served) -> None:
    collection = served.collection()
    before = every_object(collection, per_request=50)
    last_seen = requests.get(
        f"{collection.url}objects/",
        auth=(AGENCY_A, served.key_a),
        headers={"Accept": TAXII},
        timeout=10,
    ).headers["X-TAXII-Date-Added-Last"]
    assert collection.get_objects(added_after=last_seen)["objects"] == []
    with served.env.session() as session:
        new = submit_report(
            session,
            report=NewReport(
                pseudonym="conv-later",
                scam_type="fake_authority",
                country="SG",
                story="Another caller from 'Interpol' on the same number and a new one.",
                consent_forward=True,
            ),
            indicators=[
                NewIndicator(kind="phone", value=SHARED_PHONE),
                NewIndicator(kind="phone", value="+6598765432"),
            ],
            transcript=[],
            consents=[NewConsent(kind="forward_national", granted=True, wording="May we?")],
            deliveries=[NewDelivery(agency_code=AGENCY_A, transport="webhook")],
        )
    added = every_object(collection, per_request=2, added_after=last_seen)
    assert served.references_of(added) == {new.reference}
    types = sorted(obj["type"] for obj in added)
    # The report, its two indicators and the new number; the identity, the marking, the
    # extension definition and the known number were added before.
    assert types == ["indicator", "indicator", "phone-number", "report"]
    assert [obj["value"] for obj in added if obj["type"] == "phone-number"] == ["+6598765432"]
    response = requests.get(
        f"{collection.url}objects/",
        params={"added_after": last_seen},
        auth=(AGENCY_A, served.key_a),
        headers={"Accept": TAXII},
        timeout=10,
    )
    assert response.headers["Content-Type"] == TAXII
    first = parse_timestamp(response.headers["X-TAXII-Date-Added-First"])
    assert first > parse_timestamp(last_seen)
    assert len(every_object(collection, per_request=50)) == len(before) + 4


def test_filters_single_objects_and_versions(served: Served) -> None:
    collection = served.collection()
    reports = collection.get_objects(type="report")["objects"]
    assert len(reports) == 7 and {obj["type"] for obj in reports} == {"report"}
    both = collection.get_objects(type=["phone-number", "bank-account"])["objects"]
    assert sorted(obj["type"] for obj in both) == ["bank-account", "phone-number"]
    report = reports[0]
    (fetched,) = collection.get_object(report["id"])["objects"]
    assert fetched == report
    assert collection.object_versions(report["id"])["versions"] == [report["modified"]]
    assert collection.get_objects(id=report["id"], version=report["modified"])["objects"] == [
        report
    ]
    assert collection.get_objects(id=report["id"], version="2001-01-01T00:00:00Z")["objects"] == []
    with pytest.raises(requests.HTTPError) as missing:
        collection.get_object("report--00000000-0000-4000-8000-000000000000")
    assert missing.value.response.status_code == 404
    for query in (
        {"limit": "0"},
        {"limit": "\u00b2"},
        {"added_after": "yesterday"},
        {"next": "not-a-cursor!"},
        {"match[version]": "2024-13-01T00:00:00Z"},
    ):
        response = requests.get(
            f"{collection.url}objects/",
            params=query,
            auth=(AGENCY_A, served.key_a),
            timeout=10,
        )
        assert response.status_code == 400
        assert response.json()["http_status"] == "400"


def test_a_key_sees_only_its_agencys_reports(served: Served) -> None:
    reports = served.env.reports
    a_objects = every_object(served.collection(AGENCY_A), per_request=100)
    b_objects = every_object(served.collection(AGENCY_B), per_request=100)
    assert reports.b_only not in served.references_of(a_objects)
    assert served.references_of(b_objects) == {reports.b_only, reports.both}
    with served.env.session() as session:
        b_report_id = next(
            obj["id"]
            for obj in b_objects
            if obj["type"] == "report"
            and obj["external_references"][0]["external_id"] == reports.b_only
        )
        assert session.scalars(select(Report).where(Report.reference == reports.b_only)).one()
    # Agency A's key cannot name B's report, nor open B's collection (404, as for no collection).
    for url in (
        f"{served.collection(AGENCY_A).url}objects/{b_report_id}/",
        f"{served.url}reports/collections/{collection_id(AGENCY_B)}/",
        f"{served.url}reports/collections/{collection_id(AGENCY_B)}/objects/",
        f"{served.url}reports/collections/{AGENCY_B}/manifest/",
    ):
        response = requests.get(url, auth=(AGENCY_A, served.key_a), timeout=10)
        assert response.status_code == 404, url
        assert reports.b_only not in response.text


def test_wrong_revoked_or_missing_keys_are_refused(served: Served) -> None:
    collections = f"{served.url}reports/collections/"
    for auth in (
        None,
        (AGENCY_A, "srtaxii_" + "x" * 43),
        (AGENCY_A, served.revoked),
        (AGENCY_B, served.key_a),  # Basic auth names the key's own agency
        (AGENCY_A, ""),
    ):
        response = requests.get(collections, auth=auth, timeout=10)
        assert response.status_code == 401, auth
        assert response.headers["WWW-Authenticate"].startswith("Basic")
        assert response.headers["Content-Type"] == TAXII
        assert "collections" not in response.json()
    with pytest.raises(requests.HTTPError) as refused:
        Server(served.url, user=AGENCY_A, password=served.revoked).refresh()
    assert refused.value.response.status_code == 401
    # A bearer token (or taxii2-client's TokenAuth) works as well as Basic auth.
    (collection,) = ApiRoot(f"{served.url}reports/", auth=TokenAuth(served.key_b)).collections
    assert collection.id == collection_id(AGENCY_B)
    response = requests.get(
        collections, headers={"Authorization": f"Bearer {served.key_a}"}, timeout=10
    )
    assert response.json()["collections"][0]["id"] == collection_id(AGENCY_A)
    # A console session cookie is no TAXII credential, and TAXII keys open no console page.
    assert requests.get(collections, timeout=10).status_code == 401
    page = requests.get(
        served.url.replace("/taxii2/", "/reports"),
        headers={"Authorization": f"Bearer {served.key_a}"},
        allow_redirects=False,
        timeout=10,
    )
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_the_collections_are_read_only(served: Served) -> None:
    collection = served.collection()
    with pytest.raises(AccessError):
        collection.add_objects({"objects": []})
    some_id = collection.get_objects(limit=1)["objects"][0]["id"]
    for method, url in (
        ("POST", f"{collection.url}objects/"),
        ("DELETE", f"{collection.url}objects/{some_id}/"),
    ):
        response = requests.request(
            method,
            url,
            json={"objects": []},
            auth=(AGENCY_A, served.key_a),
            headers={"Content-Type": TAXII},
            timeout=10,
        )
        assert response.status_code == 403, method
        assert response.json()["http_status"] == "403"
    assert collection.get_object(some_id)["objects"][0]["id"] == some_id


def test_every_read_is_audited(served: Served) -> None:
    collection = served.collection()
    collection.get_objects(limit=3)
    collection.get_manifest(limit=2)
    with served.env.session() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "taxii_read").order_by(AuditEntry.id)
        ).all()
    assert [len(entry.details["ids"]) for entry in entries] == [3, 2]
    assert {entry.agency_code for entry in entries} == {AGENCY_A}
    assert all(entry.user_email == "taxii key 1 (SPF MISP)" for entry in entries)
    assert all(served.key_a not in str(entry.details) for entry in entries)


def test_keys_are_made_listed_and_revoked_with_the_cli(
    served: Served, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SCAMREPORT_ENV", "test")
    monkeypatch.setenv("SCAMREPORT_DATA_DIR", str(served.env.settings.data_dir))
    monkeypatch.setenv("DATABASE_URL", served.env.settings.database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["taxii-keys", "create", "--agency", AGENCY_B, "--label", "PDRM  MISP"]) == 0
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("srtaxii_") and len(secret) == 51
    assert collection_id(AGENCY_B) in out
    # The key works at once; only its hash is stored.
    (collection,) = ApiRoot(f"{served.url}reports/", user=AGENCY_B, password=secret).collections
    assert collection.id == collection_id(AGENCY_B)
    with served.env.session() as session:
        row = session.scalars(select(TaxiiApiKey).where(TaxiiApiKey.label == "PDRM MISP")).one()
        assert secret not in (row.key_sha256, row.label)
        key_id = row.id
    assert main(["taxii-keys", "list", "--agency", AGENCY_B]) == 0
    listing = capsys.readouterr().out
    assert "PDRM MISP" in listing and "PDRM OpenCTI" in listing and secret not in listing
    assert main(["taxii-keys", "revoke", "--id", str(key_id)]) == 0
    assert "revoked" in capsys.readouterr().out
    response = requests.get(
        f"{served.url}reports/collections/", auth=(AGENCY_B, secret), timeout=10
    )
    assert response.status_code == 401
    assert main(["taxii-keys", "create", "--agency", "xx-nowhere", "--label", "x"]) == 1
    assert "unknown agency" in capsys.readouterr().err
    assert main(["taxii-keys", "revoke", "--id", "9999"]) == 1


def test_timestamps_parse_as_taxii_writes_them() -> None:
    stamp = parse_timestamp("2024-03-12T08:15:00.123456Z")
    assert stamp == datetime.fromisoformat("2024-03-12T08:15:00.123456+00:00")


def test_hostile_arguments_get_400_or_404_never_500(served: Served) -> None:
    """With a valid key, malformed paths and filters are refused cleanly (the console's own
    fuzz sends them without a key, which stops at the 401)."""
    client = served.env.client()
    headers = {"Authorization": f"Bearer {served.key_a}"}
    base = f"/taxii2/reports/collections/{collection_id(AGENCY_A)}"
    paths = [
        f"{base}/objects/",
        f"{base}/manifest/",
        f"{base}/objects/report--x/",
        f"{base}/objects/{'x' * 5000}/versions/",
        "/taxii2/reports/collections/%2e%2e/objects/",
        "/taxii2/reports/collections/\u00e9/",
    ]
    queries = [
        "limit=99999999999999999999",
        "limit=-1",
        "limit=1.5",
        "limit=%EF%BC%91",  # a full-width digit one
        "next=%FF%FE",
        "next=" + "A" * 10_000,
        "next=MHwwfDA",  # base64 of "0|0|0": not a timestamp
        "added_after=9999-99-99T99:99:99Z",
        "added_after=2024-01-01T00:00:00.1234567890Z",
        "match[version]=first,last,all,1999-01-01T00:00:00Z",
        "match[type]=" + ",".join(["report"] * 1000),
        "match[id]=,,,",
        "match[spec_version]=2.0",
        "added_after=2024-01-01T00:00:00Z&added_after=x",
    ]
    statuses: set[int] = set()
    for path in paths:
        for query in queries:
            response = client.get(f"{path}?{query}", headers=headers)
            statuses.add(response.status_code)
            assert response.status_code in (200, 400, 404), (path, query)
            assert response.headers["Content-Type"] == TAXII, (path, query)
            assert "http_status" in response.json or "more" in response.json
    assert {200, 400, 404} <= statuses
