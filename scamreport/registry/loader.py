"""Reads the registry YAML file (the packaged one by default) and validates it."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from scamreport.registry.models import Registry, RegistryError
from scamreport.registry.validation import validate_registry_data

REGISTRY_ENV_VAR = "AGENCY_REGISTRY"
PACKAGED_REGISTRY = "agencies.yaml"


def packaged_registry_path() -> Path:
    """Where the registry shipped with the package lives."""
    return Path(str(resources.files("scamreport.registry").joinpath(PACKAGED_REGISTRY)))


def registry_override() -> str | None:
    """The registry file named by env ``AGENCY_REGISTRY``, or None to use the packaged one."""
    return os.environ.get(REGISTRY_ENV_VAR, "").strip() or None


def load_registry(path: Path | None = None) -> Registry:
    """Loads and validates a registry file.

    Without ``path``: the file named by env ``AGENCY_REGISTRY`` if set, else the packaged
    ``agencies.yaml``; that default is cached per resolved path (``clear_registry_cache()``
    forgets it). An explicit ``path`` is always read afresh.
    """
    if path is not None:
        return _read_registry(Path(path), source=str(path))
    override = registry_override()
    if override:
        return _load_cached(override, override)
    return _load_cached(str(packaged_registry_path()), PACKAGED_REGISTRY)


@lru_cache(maxsize=4)
def _load_cached(path: str, source: str) -> Registry:
    return _read_registry(Path(path), source=source)


def _read_registry(path: Path, *, source: str) -> Registry:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"{source}: cannot read the registry: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise RegistryError(f"{source}: {where}not valid YAML: {problem}") from exc
    return validate_registry_data(data, source=source)


def clear_registry_cache() -> None:
    """Forgets the cached default registry (after editing the file in a running process)."""
    _load_cached.cache_clear()
