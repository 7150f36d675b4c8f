"""Public-suffix lookups through tldextract's bundled snapshot (never the network)."""

from __future__ import annotations

from functools import lru_cache

import tldextract


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # No suffix-list URLs and no cache dir: the snapshot bundled with tldextract is used and
    # nothing is fetched or written. Private suffixes (netlify.app, blogspot.com) count as public
    # so that two scam sites on the same free host are not linked as one domain.
    return tldextract.TLDExtract(
        cache_dir=None,
        suffix_list_urls=(),
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


def split_host(host: str) -> tuple[str, str]:
    """(registrable label, public suffix) of a host; suffix is "" when it has none."""
    result = _extractor()(host.lower().rstrip("."))
    return result.domain, result.suffix


def registrable_host(host: str) -> str | None:
    """The registrable domain of a host name ("shop.example.co.uk" -> "example.co.uk")."""
    domain, suffix = split_host(host)
    if not domain or not suffix:
        return None
    return f"{domain}.{suffix}"
