"""The deployment bundle (deploy/) validated offline and tied to the code it runs.

Compose: rendered by Docker Compose v2 (`docker compose config`). Kubernetes: both overlays
rendered by `kubectl kustomize` and every manifest checked against the Kubernetes 1.32 JSON
schemas (kubernetes-validate, strict: unknown fields fail). Then: every variable the bundle sets
is one the code (ours, Rasa's, or the file that reads it) reads; every command is a real module
or console script with arguments its parser accepts; no secret is written in the bundle; only the
bot's webhook and the console are published; Rasa's replica count is a parameter; the deployment
endpoints.yml works with Rasa's own tracker and lock stores against this machine's PostgreSQL and
Redis; and the connection budget fits PostgreSQL's max_connections.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from sqlalchemy.engine import make_url

from scamreport.cli.stack import RASA_PYTHON
from scamreport.registry import load_registry
from scamreport.settings import PROJECT_ROOT
from scamreport.storage.database import make_engine
from tests.deploy.bundle import (
    AGENCIES_EXAMPLE,
    APP_IMAGE,
    COMPOSE_SECRETS,
    DEPLOY,
    ENV_EXAMPLE,
    HAPROXY_CFG,
    IMAGE_ROOT,
    OVERLAYS,
    RASA_ENDPOINTS,
    RASA_IMAGE,
    compose_config,
    compose_environment,
    containers,
    env_references,
    haproxy,
    image_name,
    kustomize,
    pod_spec,
    rendered_compose,
    workload,
)
from tests.registry_env import env_names

KUBERNETES_VERSION = "1.32"
OUR_PACKAGES = ("scamreport", "bot", "console", "actions", "action_server", "rasa_runtime")
# Read by the interpreter, pip, the shell or TensorFlow rather than by a module of ours.
RUNTIME_VARIABLES = {
    "PATH",
    "HOME",
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_NO_CACHE_DIR",
    "PIP_DISABLE_PIP_VERSION_CHECK",
    "TF_CPP_MIN_LOG_LEVEL",
}
# The official postgres image's documented variables (its docker-entrypoint.sh).
POSTGRES_IMAGE_VARIABLES = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD", "PGDATA"}
SECRET_NAME = re.compile(r"(SECRET|TOKEN|PASSWORD|_KEY$)")
# The migration and retention jobs, and the wait for the schema: one connection at a time.
JOB_CONNECTIONS = 16
RESERVED_CONNECTIONS = 3  # PostgreSQL's superuser_reserved_connections default


@pytest.fixture(scope="module")
def compose_secrets() -> dict[str, str]:
    return {name: f"sentinel-{name.lower()}-{secrets.token_hex(8)}" for name in COMPOSE_SECRETS}


@pytest.fixture(scope="module")
def compose(compose_secrets: dict[str, str]) -> dict[str, Any]:
    return rendered_compose(compose_environment(compose_secrets))


@pytest.fixture(scope="module")
def overlays() -> dict[str, list[dict[str, Any]]]:
    return {overlay: kustomize(overlay) for overlay in OVERLAYS}


@cache
def _source_texts(root: Path, packages: tuple[str, ...]) -> str:
    texts = []
    for package in packages:
        for path in (root / package).rglob("*.py"):
            texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


def _rasa_package() -> Path:
    matches = sorted((RASA_PYTHON.parent.parent / "lib").glob("python3*/site-packages/rasa"))
    assert matches, f"no Rasa installation beside {RASA_PYTHON}: run `make env`"
    return matches[0]


def read_by_code(name: str) -> bool:
    """Whether our code or Rasa's names the variable ``name`` as a string."""
    literal = re.compile(rf"[\"']{re.escape(name)}[\"']")
    if literal.search(_source_texts(PROJECT_ROOT, OUR_PACKAGES)):
        return True
    rasa = _rasa_package()
    return bool(literal.search(_source_texts(rasa.parent, ("rasa",))))


def registry_variables() -> set[str]:
    names: set[str] = set()
    for agency in load_registry().agencies:
        delivery = agency.delivery
        if delivery is not None:
            # Webhook, e-mail and MISP push variables alike.
            names.update(env_names(delivery))
    return names


def unexplained_variables(
    variables: Iterable[str], *, used_in: str, also_read: Iterable[str] = ()
) -> list[str]:
    """The variables nothing reads: not our code, not Rasa, not the text that uses them
    (a command, an entry point script or another variable's value), not ``also_read``."""
    allowed = set(also_read) | RUNTIME_VARIABLES | registry_variables()
    unexplained = []
    for name in variables:
        if name in allowed or read_by_code(name):
            continue
        if re.search(rf"\$\{{?\(?{name}\b", used_in):
            continue
        unexplained.append(name)
    return sorted(unexplained)


# --- Compose -----------------------------------------------------------------------------


def test_compose_config_renders_every_service(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {
        "postgres",
        "redis",
        "migrate",
        "actions",
        "rasa",
        "haproxy",
        "bot",
        "worker",
        "console",
    }


def test_compose_refuses_to_render_without_a_secret(compose_secrets: dict[str, str]) -> None:
    for missing in ("POSTGRES_PASSWORD", "RASA_CHANNEL_TOKEN", "TELEGRAM_WEBHOOK_SECRET"):
        env = compose_environment({k: v for k, v in compose_secrets.items() if k != missing})
        result = compose_config(env)
        assert result.returncode != 0
        assert f"set {missing}" in result.stderr


def test_compose_replica_counts_are_parameters(compose_secrets: dict[str, str]) -> None:
    rendered = rendered_compose(
        compose_environment(
            compose_secrets, RASA_REPLICAS="5", ACTIONS_REPLICAS="3", WORKER_REPLICAS="4"
        )
    )
    services = rendered["services"]
    assert services["rasa"]["deploy"]["replicas"] == 5
    assert services["actions"]["deploy"]["replicas"] == 3
    assert services["worker"]["deploy"]["replicas"] == 4
    # HAProxy has a server slot for every Rasa replica.
    assert int(services["haproxy"]["environment"]["RASA_SLOTS"]) >= 5


def test_compose_publishes_only_the_webhook_and_the_console(compose: dict[str, Any]) -> None:
    published = {
        name: sorted((p["target"], p.get("host_ip")) for p in service.get("ports", []))
        for name, service in compose["services"].items()
        if service.get("ports")
    }
    # By default only on the host's loopback address, for the operator's TLS proxy.
    assert published == {"haproxy": [(8443, "127.0.0.1")], "console": [(8000, "127.0.0.1")]}
    for service in compose["services"].values():
        assert service.get("network_mode") != "host"
        assert "expose" not in service


def test_compose_app_services_wait_for_the_migration(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["python", "-m", "scamreport", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("actions", "bot", "worker", "console"):
        condition = services[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name


def test_compose_holds_no_secret_value(
    compose: dict[str, Any], compose_secrets: dict[str, str]
) -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    for name, value in re.findall(r"^\s+([A-Z][A-Z0-9_]*):\s*(.*)$", text, re.MULTILINE):
        if SECRET_NAME.search(name):
            assert value.startswith("${") and ":?" in value, f"{name} must come from deploy/.env"
    # The examples hold names, never values.
    for example in (ENV_EXAMPLE, AGENCIES_EXAMPLE):
        for line in example.read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                name, value = line.split("=", 1)
                assert not SECRET_NAME.search(name) or value == "", f"{example.name}: {name}"
    # Every secret reaches only services that read it: the sentinel of the channel token is in
    # Rasa and the bot, and nowhere else.
    holders = {
        name
        for name, service in compose["services"].items()
        if compose_secrets["RASA_CHANNEL_TOKEN"] in json.dumps(service.get("environment", {}))
    }
    assert holders == {"rasa", "bot"}


def test_compose_sets_only_variables_the_code_reads(compose: dict[str, Any]) -> None:
    failures = {}
    for name, service in compose["services"].items():
        environment = service.get("environment", {})
        also = POSTGRES_IMAGE_VARIABLES if name == "postgres" else ()
        if name == "rasa":
            also = env_references(RASA_ENDPOINTS)
        elif name == "haproxy":
            also = env_references(HAPROXY_CFG)
        used_in = json.dumps(service.get("command")) + json.dumps(service.get("healthcheck"))
        unexplained = unexplained_variables(environment, used_in=used_in, also_read=also)
        if unexplained:
            failures[name] = unexplained
    assert failures == {}


def test_agencies_example_lists_every_registry_variable() -> None:
    names = {
        line.split("=", 1)[0]
        for line in AGENCIES_EXAMPLE.read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    smtp = {name for name in names if name.startswith("SMTP_")}
    assert names - smtp == registry_variables()
    assert smtp and all(read_by_code(name) for name in smtp)


# --- Kubernetes ----------------------------------------------------------------------------


def test_every_manifest_matches_the_kubernetes_schemas(
    overlays: dict[str, list[dict[str, Any]]],
) -> None:
    for overlay, manifests in overlays.items():
        assert len(manifests) > 20, overlay
        for manifest in manifests:
            # Raises with the failing field; strict: an unknown field is an error too.
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_schema_check_catches_a_wrong_manifest(overlays: dict[str, list[dict[str, Any]]]) -> None:
    rasa = json.loads(json.dumps(workload(overlays["small"], "Deployment", "rasa")))
    rasa["spec"]["replcas"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(rasa, KUBERNETES_VERSION, strict=True)


def test_rasa_replicas_are_set_by_the_overlay(overlays: dict[str, list[dict[str, Any]]]) -> None:
    counts = {
        overlay: workload(manifests, "Deployment", "rasa")["spec"]["replicas"]
        for overlay, manifests in overlays.items()
    }
    assert counts["small"] >= 2  # a replica can die without stopping conversations
    assert counts["large"] > counts["small"]
    for manifests in overlays.values():
        haproxy_env = _env(workload(manifests, "Deployment", "haproxy"), "haproxy")
        assert int(haproxy_env["RASA_SLOTS"]) >= counts["large"]
        budget = [m for m in manifests if m["kind"] == "PodDisruptionBudget"]
        assert [b["spec"]["selector"]["matchLabels"] for b in budget] == [
            {"app.kubernetes.io/name": "rasa"}
        ]
        assert budget[0]["spec"]["maxUnavailable"] == 1


def test_no_secret_is_embedded(overlays: dict[str, list[dict[str, Any]]]) -> None:
    for manifests in overlays.values():
        assert not [m for m in manifests if m["kind"] == "Secret"]
        for manifest in manifests:
            if manifest["kind"] == "ConfigMap":
                assert not [k for k in manifest.get("data", {}) if SECRET_NAME.search(k)]
        for workload_name, _init, container in containers(manifests):
            for variable in container.get("env", []):
                if not SECRET_NAME.search(variable["name"]):
                    continue
                if "valueFrom" in variable:
                    assert "secretKeyRef" in variable["valueFrom"], variable
                else:
                    # Only composed from a secret reference, e.g. $(POSTGRES_PASSWORD).
                    assert re.search(r"\$\([A-Z_]+\)", variable["value"]), (workload_name, variable)
            for source in container.get("envFrom", []):
                # ConfigMaps were checked above for secret-named keys.
                assert set(source) <= {"secretRef", "configMapRef"}, source


def test_internal_services_are_not_exposed(overlays: dict[str, list[dict[str, Any]]]) -> None:
    for manifests in overlays.values():
        for manifest in manifests:
            if manifest["kind"] == "Service":
                assert manifest["spec"].get("type", "ClusterIP") == "ClusterIP", manifest
            assert manifest["kind"] not in ("Ingress", "NodePort")
            spec = pod_spec(manifest)
            if spec is None:
                continue
            assert not spec.get("hostNetwork")
            for container in spec["containers"]:
                assert not [p for p in container.get("ports", []) if "hostPort" in p]


def test_every_container_has_resources_probes_and_no_root(
    overlays: dict[str, list[dict[str, Any]]],
) -> None:
    for manifests in overlays.values():
        for manifest in manifests:
            spec = pod_spec(manifest)
            if spec is None:
                continue
            assert spec["securityContext"]["runAsNonRoot"] is True, manifest["metadata"]["name"]
        for name, init, container in containers(manifests):
            resources = container["resources"]
            assert resources["requests"] and resources["limits"], name
            assert container["securityContext"]["allowPrivilegeEscalation"] is False, name
            if container.get("ports") and not init:
                assert "readinessProbe" in container and "livenessProbe" in container, name


def test_app_pods_wait_for_the_migration_job(overlays: dict[str, list[dict[str, Any]]]) -> None:
    for manifests in overlays.values():
        job = workload(manifests, "Job", "migrate")
        (migrate,) = job["spec"]["template"]["spec"]["containers"]
        assert migrate["command"] == ["python", "-m", "scamreport", "db", "upgrade"]
        for name in ("actions", "bot", "worker", "console"):
            (wait,) = workload(manifests, "Deployment", name)["spec"]["template"]["spec"][
                "initContainers"
            ]
            assert "python -m scamreport db current --check" in " ".join(wait["command"]), name


def test_an_active_bot_and_a_standby_that_stays_alive(
    overlays: dict[str, list[dict[str, Any]]],
) -> None:
    """Two bots: the one holding the database's lock opens the webhook port (ready); the standby
    keeps it closed, so its liveness must not depend on that port (its /metrics instead)."""
    for manifests in overlays.values():
        bot = workload(manifests, "Deployment", "bot")
        assert bot["spec"]["replicas"] == 2
        assert bot["spec"]["strategy"]["type"] == "RollingUpdate"
        container = bot["spec"]["template"]["spec"]["containers"][0]
        assert container["readinessProbe"]["tcpSocket"]["port"] == 8443
        liveness = container["livenessProbe"]["exec"]["command"]
        assert liveness[:4] == ["python", "deploy/healthcheck.py", "--bearer-env", "METRICS_TOKEN"]
        env = _env(bot, "bot")
        port = env["SCAMREPORT_BOT_METRICS_PORT"]
        assert liveness[4] == f"http://{{host}}:{port}/metrics"
        assert "METRICS_TOKEN" in env
    haproxy = (DEPLOY / "k8s" / "base" / "haproxy.cfg").read_text()
    assert 'server-template bot 2 "${BOT_ADDRESS}":8443' in haproxy


def test_the_health_check_sends_the_bearer_token_from_the_environment(tmp_path: Path) -> None:
    seen: list[str | None] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            seen.append(self.headers.get("Authorization"))
            ok = self.headers.get("Authorization") == "Bearer probe-secret"
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/metrics"
    probe = [sys.executable, str(DEPLOY / "healthcheck.py")]
    try:
        with_token = {**os.environ, "METRICS_TOKEN": "probe-secret"}
        ok = subprocess.run([*probe, "--bearer-env", "METRICS_TOKEN", url], env=with_token)
        refused = subprocess.run([*probe, url], env=with_token)
        unset = subprocess.run(
            [*probe, "--bearer-env", "METRICS_TOKEN", url],
            env={k: v for k, v in os.environ.items() if k != "METRICS_TOKEN"},
            capture_output=True,
        )
    finally:
        server.shutdown()
    assert (ok.returncode, refused.returncode, unset.returncode) == (0, 1, 1)
    assert seen == ["Bearer probe-secret", None]


def _env(manifest: dict[str, Any], container_name: str) -> dict[str, str]:
    spec = pod_spec(manifest)
    assert spec is not None
    for container in spec.get("initContainers", []) + spec["containers"]:
        if container["name"] == container_name:
            # A value from a secret or a field reads as "<from secretKeyRef>" and the like.
            return {
                v["name"]: v.get("value", f"<from {next(iter(v.get('valueFrom', {'?': 0})))}>")
                for v in container.get("env", [])
            }
    raise AssertionError(container_name)


def test_kubernetes_sets_only_variables_the_code_reads(
    overlays: dict[str, list[dict[str, Any]]],
) -> None:
    failures = {}
    for manifests in overlays.values():
        config_maps = {
            m["metadata"]["name"].rsplit("-", 1)[0]: m.get("data", {})
            for m in manifests
            if m["kind"] == "ConfigMap"
        }
        for name, _init, container in containers(manifests):
            names = [v["name"] for v in container.get("env", [])]
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    names += list(config_maps[source["configMapRef"]["name"].rsplit("-", 1)[0]])
            also: Iterable[str] = ()
            if name == "postgres":
                also = POSTGRES_IMAGE_VARIABLES
            elif name == "rasa":
                also = env_references(RASA_ENDPOINTS)
            elif name == "haproxy":
                also = env_references(HAPROXY_CFG)
            used_in = json.dumps(container.get("command")) + json.dumps(container.get("args"))
            used_in += json.dumps(container.get("env", [])) + json.dumps(
                container.get("readinessProbe")
            )
            unexplained = unexplained_variables(names, used_in=used_in, also_read=also)
            if unexplained:
                failures[name] = unexplained
    assert failures == {}


# --- Both: commands, Rasa's endpoints, HAProxy, connections ---------------------------------


def _our_commands(
    compose: dict[str, Any], overlays: dict[str, list[dict[str, Any]]]
) -> list[tuple[str, str, list[str]]]:
    """(where, image, argv) of every process the bundle starts from our images."""
    commands = []
    rasa_cmd = _dockerfile_cmd(DEPLOY / "rasa.Dockerfile")
    for name, service in compose["services"].items():
        image = image_name(service.get("image", ""))
        if image in (APP_IMAGE, RASA_IMAGE):
            argv = service.get("command") or (rasa_cmd if image == RASA_IMAGE else None)
            assert argv, f"compose service {name} has no command"
            commands.append((f"compose {name}", image, argv))
    for overlay, manifests in overlays.items():
        for name, _init, container in containers(manifests):
            image = image_name(container["image"])
            if image in (APP_IMAGE, RASA_IMAGE):
                argv = container["command"] + container.get("args", [])
                commands.append((f"{overlay} {name}/{container['name']}", image, argv))
    return commands


def _dockerfile_cmd(path: Path) -> list[str]:
    text = path.read_text().replace("\\\n", " ")
    (cmd,) = re.findall(r"^CMD (\[.*\])$", text, re.MULTILINE)
    return json.loads(cmd)


def _check_app_command(argv: list[str]) -> None:
    if argv[:2] == ["sh", "-c"]:
        # The wait for the schema: the only shell command, its scamreport call parsed.
        (wait,) = re.findall(r"until (python -m scamreport [^;>]*?)\s*(?:>|;)", argv[2])
        _check_app_command(wait.split())
        return
    if argv[0] == "alembic":
        from alembic.config import CommandLine

        CommandLine().parser.parse_args(argv[1:])
        assert (PROJECT_ROOT / argv[2]).is_file()
        return
    assert argv[:2] == ["python", "-m"], argv
    module, args = argv[2], argv[3:]
    assert (PROJECT_ROOT / module / "__main__.py").is_file(), module
    parsers: dict[str, Callable[[list[str]], Any]] = {
        "scamreport": _parse_scamreport,
        "action_server": _parse_action_server,
        "bot": _parse_bot,
    }
    parsers[module](args)


def _parse_scamreport(args: list[str]) -> None:
    from scamreport.cli import build_parser

    parsed = build_parser().parse_args(args)
    assert callable(parsed.handler)


def _parse_action_server(args: list[str]) -> None:
    from action_server.__main__ import parse_args

    parsed = parse_args(args)
    assert (PROJECT_ROOT / parsed.actions).is_dir()


def _parse_bot(args: list[str]) -> None:
    from bot.__main__ import parse_args

    parse_args(args)


def test_every_command_is_a_real_module_with_accepted_arguments(
    compose: dict[str, Any], overlays: dict[str, list[dict[str, Any]]]
) -> None:
    commands = _our_commands(compose, overlays)
    rasa = [argv for _where, image, argv in commands if image == RASA_IMAGE]
    assert rasa and all(argv == rasa[0] for argv in rasa), "one Rasa command everywhere"
    for where, image, argv in commands:
        if image == APP_IMAGE:
            try:
                _check_app_command(argv)
            except SystemExit as error:  # argparse refused the arguments
                raise AssertionError(f"{where}: {argv} refused") from error
    # Rasa's command: our launcher, Rasa's own parser, and files the image really holds.
    argv = rasa[0]
    assert argv[:4] == ["python", "-m", "rasa_runtime", "run"]
    from rasa_runtime.__main__ import rasa_argv

    checked = rasa_argv(argv[3:], {"RASA_AUTH_TOKEN": "x" * 32, "SCAMREPORT_BIND_HOST": "10.1.2.3"})
    for flag in ("--model", "--endpoints", "--credentials"):
        path = argv[argv.index(flag) + 1]
        assert path.startswith(IMAGE_ROOT), path
    copied = (DEPLOY / "rasa.Dockerfile").read_text()
    assert "COPY ${MODEL} /app/models/current.tar.gz" in copied
    for repo_path in ("credentials.yml", "deploy/rasa/endpoints.yml"):
        assert (PROJECT_ROOT / repo_path).is_file() and f"/app/{repo_path}" in copied
    _rasa_parses(checked)


def _rasa_parses(argv: list[str]) -> None:
    script = (
        "import json, sys\n"
        "from rasa.__main__ import create_argument_parser\n"
        "args = create_argument_parser().parse_args(json.loads(sys.argv[1]))\n"
        "assert args.enable_api and args.port == 5005, args\n"
    )
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", script, json.dumps(argv)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_rasa_endpoints_work_with_rasa_stores_on_postgres_and_redis(
    compose: dict[str, Any],
    overlays: dict[str, list[dict[str, Any]]],
    postgres_database_factory: Callable[[], str],
) -> None:
    """The deployment endpoints.yml, read by Rasa 3.6 itself, builds the SQL tracker store on
    PostgreSQL with the bundle's pool and the Redis lock store, and both work."""
    compose_rasa = compose["services"]["rasa"]["environment"]
    for manifests in overlays.values():
        k8s_rasa = _env(workload(manifests, "Deployment", "rasa"), "rasa")
        for name in env_references(RASA_ENDPOINTS):
            assert name in compose_rasa and name in k8s_rasa, name
            if not SECRET_NAME.search(name) and not name.endswith("_URL"):
                assert str(compose_rasa[name]) == k8s_rasa[name], name
    url = make_url(postgres_database_factory())
    env = {
        "ACTION_SERVER_URL": "http://127.0.0.1:5055",
        "ACTION_SERVER_TOKEN": "t" * 32,
        "TRACKER_STORE_HOST": url.host or "127.0.0.1",
        "TRACKER_STORE_PORT": str(url.port or 5432),
        "TRACKER_STORE_DB": url.database or "",
        "TRACKER_STORE_USER": url.username or "postgres",
        "TRACKER_STORE_PASSWORD": url.password or "",
        "SQL_POOL_SIZE": compose_rasa["SQL_POOL_SIZE"],
        "SQL_MAX_OVERFLOW": compose_rasa["SQL_MAX_OVERFLOW"],
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": compose_rasa["REDIS_DB"],
        "REDIS_PASSWORD": "",
        "RASA_TELEMETRY_ENABLED": "false",
        "PATH": "/usr/bin:/bin",
    }
    script = """
import asyncio, json, sys, uuid
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

path = sys.argv[1]
action = read_endpoint_config(path, "action_endpoint")
tracker_store = TrackerStore.create(read_endpoint_config(path, "tracker_store"), Domain.empty())
lock_store = LockStore.create(read_endpoint_config(path, "lock_store"))
sender = "deploy-test-" + uuid.uuid4().hex

async def turn():
    async with lock_store.lock(sender):
        tracker = DialogueStateTracker.from_events(sender, [UserUttered("hello")])
        await tracker_store.save(tracker)
    return await tracker_store.retrieve(sender)

tracker = asyncio.run(turn())
engine = tracker_store.engine
print(json.dumps({
    "store": type(tracker_store).__name__,
    "dialect": engine.dialect.name,
    "pool_size": engine.pool.size(),
    "max_overflow": engine.pool._max_overflow,
    "lock_store": type(lock_store).__name__,
    "lock_key_prefix": lock_store.key_prefix,
    "events": len(tracker.events),
    "action_url": action.url,
    "token_sent": action.token == "t" * 32,
}))
"""
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", script, str(RASA_ENDPOINTS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {
        "store": "SQLTrackerStore",
        "dialect": "postgresql",
        "pool_size": int(compose_rasa["SQL_POOL_SIZE"]),
        "max_overflow": int(compose_rasa["SQL_MAX_OVERFLOW"]),
        "lock_store": "RedisLockStore",
        "lock_key_prefix": "scamreport:lock:",
        "events": 1,
        "action_url": "http://127.0.0.1:5055/webhook",
        "token_sent": True,
    }


def test_haproxy_config_is_valid_with_the_bundles_variables(
    compose: dict[str, Any], overlays: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    needed = env_references(HAPROXY_CFG)
    compose_env = {k: str(v) for k, v in compose["services"]["haproxy"]["environment"].items()}
    mounted = [v for v in compose["services"]["haproxy"]["volumes"] if v["source"].endswith(".cfg")]
    assert Path(mounted[0]["source"]) == HAPROXY_CFG
    environments = [compose_env]
    for manifests in overlays.values():
        k8s_env = _env(workload(manifests, "Deployment", "haproxy"), "haproxy")
        # Kubernetes composes $(POD_NAMESPACE) and $(CLUSTER_DOMAIN) at start.
        k8s_env = {
            k: v.replace("$(POD_NAMESPACE)", "scamreport").replace(
                "$(CLUSTER_DOMAIN)", "cluster.local"
            )
            for k, v in k8s_env.items()
        }
        environments.append(k8s_env)
    for env in environments:
        assert needed <= set(env), needed - set(env)
        result = subprocess.run(
            [haproxy(), "-c", "-f", str(HAPROXY_CFG)],
            env={"PATH": "/usr/sbin:/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            timeout=30,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "WARNING" not in result.stdout + result.stderr


def test_connection_budget_fits_postgres(overlays: dict[str, list[dict[str, Any]]]) -> None:
    """Every process's largest pool, added up, stays under max_connections (docs/deployment.md,
    "Connections"): Rasa's default of 50 + 100 per replica would not."""
    app_engine = make_engine("postgresql+psycopg://u:p@127.0.0.1:1/db")
    app_pool = app_engine.pool.size() + app_engine.pool._max_overflow  # type: ignore[attr-defined]
    app_engine.dispose()
    for overlay, manifests in overlays.items():

        def replicas(name: str, manifests: list[dict[str, Any]] = manifests) -> int:
            return int(workload(manifests, "Deployment", name)["spec"]["replicas"])

        rasa_env = _env(workload(manifests, "Deployment", "rasa"), "rasa")
        rasa_pool = int(rasa_env["SQL_POOL_SIZE"]) + int(rasa_env["SQL_MAX_OVERFLOW"])
        console = workload(manifests, "Deployment", "console")["spec"]["template"]["spec"]
        console_argv = console["containers"][0]["command"]
        gunicorn_workers = int(console_argv[console_argv.index("--workers") + 1])
        budget = (
            replicas("rasa") * rasa_pool
            + replicas("actions") * app_pool
            # The bot has two engines: the application's database and Rasa's tracker store.
            # + 1 each for the standby's advisory lock (scamreport/storage/leader_lock.py).
            + replicas("bot") * (2 * app_pool + 1)
            + replicas("worker") * app_pool
            + replicas("console") * gunicorn_workers * app_pool
            + JOB_CONNECTIONS
            + RESERVED_CONNECTIONS
        )
        config = next(m for m in manifests if m["metadata"]["name"].startswith("deployment-config"))
        max_connections = int(config["data"]["POSTGRES_MAX_CONNECTIONS"])
        assert budget <= max_connections, (overlay, budget, max_connections)
        rasa_defaults = replicas("rasa") * (50 + 100)
        assert rasa_defaults > max_connections, overlay  # why the pool is sized at all


def test_dockerfiles_build_from_the_lock_files_as_a_user() -> None:
    app = (DEPLOY / "app.Dockerfile").read_text()
    rasa = (DEPLOY / "rasa.Dockerfile").read_text()
    assert "-c requirements/app.lock.txt" in app
    assert "-r /tmp/rasa.lock.txt" in rasa and "COPY requirements/rasa.lock.txt" in rasa
    for text in (app, rasa):
        assert text.count("\nFROM ") == 2, "multi-stage"
        assert re.search(r"^USER 10001:10001$", text, re.MULTILINE)
        assert not re.search(r"^(ENV|ARG) .*(SECRET|TOKEN|PASSWORD|_KEY)", text, re.MULTILINE)
        env_names = re.findall(r"(?:^ENV |\\\n\s+)([A-Z_]+)=", text, re.MULTILINE)
        assert env_names
        unexplained = unexplained_variables(env_names, used_in="")
        assert unexplained == [], unexplained
    # Rasa's image holds what its command needs and nothing of the app's dependencies.
    for path in re.findall(r"^COPY (?!--from)(\S+)", rasa, re.MULTILINE):
        if path not in ("${MODEL}",):
            assert (PROJECT_ROOT / path).exists(), path
    assert sys.version_info[:2] == (3, 10) and "python:3.10" in app and "python:3.10" in rasa


def test_rasa_image_holds_every_project_module_rasa_imports(tmp_path: Path) -> None:
    """Only what rasa.Dockerfile copies from the project, imported by Rasa's environment."""
    text = (DEPLOY / "rasa.Dockerfile").read_text()
    copies = re.findall(r"^COPY (?!--from)(.+) (/app/\S*)$", text, re.MULTILINE)
    for sources, target in copies:
        for source in sources.split():
            if source == "${MODEL}":
                continue
            destination = tmp_path / target.removeprefix("/app/")
            if target.endswith("/"):
                destination = destination / Path(source).name
            destination.parent.mkdir(parents=True, exist_ok=True)
            if (PROJECT_ROOT / source).is_dir():
                shutil.copytree(PROJECT_ROOT / source, destination)
            else:
                shutil.copy(PROJECT_ROOT / source, destination)
    # The model's custom components (config.yml) and the NLG (endpoints.yml) are loaded by
    # Rasa by module path: they must be importable from what the image holds.
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text())
    components = [c["name"] for c in config["pipeline"] + config["policies"] if "." in c["name"]]
    nlg = yaml.safe_load((DEPLOY / "rasa" / "endpoints.yml").read_text())["nlg"]["type"]
    script = (
        "import rasa_runtime.__main__, rasa_runtime.patches, rasa_runtime.secure_rest\n"
        "from rasa.shared.utils.io import read_yaml_file\n"
        f"names = list(read_yaml_file('credentials.yml')) + {components + [nlg]!r}\n"
        "for name in names:\n"
        "    module, _, cls = name.rpartition('.')\n"
        "    assert getattr(__import__(module, fromlist=[cls]), cls)\n"
    )
    result = subprocess.run(
        [str(RASA_PYTHON), "-c", script],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert all(name.startswith("rasa_runtime.") for name in components), components
