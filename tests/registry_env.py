"""The environment variables an agency's delivery settings name, for tests that check them
against the deployment bundle, the local sink's environment and the registry's loader."""

from __future__ import annotations

from scamreport.registry.models import DeliverySettings


def env_names(delivery: DeliverySettings) -> tuple[str, ...]:
    """The environment variables ``delivery`` reads (webhook, e-mail and MISP push alike), in a
    stable order."""
    names = (
        delivery.url_env,
        delivery.secret_env,
        delivery.address_env,
        delivery.misp_url_env,
        delivery.misp_key_env,
    )
    return tuple(name for name in names if name is not None)
