"""Agency registry: the national agencies reports go to, validated at load time.

The data is ``agencies.yaml`` beside this file (package data, outside Rasa's ``data/``),
checked against ``agencies.schema.json`` and the rules in ``validation.py``.
"""

from scamreport.registry.loader import (
    REGISTRY_ENV_VAR,
    clear_registry_cache,
    load_registry,
    packaged_registry_path,
)
from scamreport.registry.models import (
    FACT_FIELDS,
    KINDS,
    Agency,
    DeliverySettings,
    Registry,
    RegistryError,
)
from scamreport.registry.validation import validate_registry_data

__all__ = [
    "FACT_FIELDS",
    "KINDS",
    "REGISTRY_ENV_VAR",
    "Agency",
    "DeliverySettings",
    "Registry",
    "RegistryError",
    "clear_registry_cache",
    "load_registry",
    "packaged_registry_path",
    "validate_registry_data",
]
