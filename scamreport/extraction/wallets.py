"""Cryptocurrency addresses: Bitcoin (base58check, bech32/bech32m, checksum-valid), Ethereum and
TRON (by their form); kept as written."""

from __future__ import annotations

import re
from collections.abc import Iterator

import base58
import bech32

from scamreport.extraction.model import Found

_B58 = r"[1-9A-HJ-NP-Za-km-z]"
_BTC_BASE58_RE = re.compile(r"(?<![A-Za-z0-9])[13]" + _B58 + r"{25,34}(?![A-Za-z0-9])")
_BTC_BECH32_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:bc1[02-9ac-hj-np-z]{11,71}|BC1[02-9AC-HJ-NP-Z]{11,71})(?![A-Za-z0-9])"
)
_ETH_RE = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![A-Za-z0-9])")
_TRON_RE = re.compile(r"(?<![A-Za-z0-9])T" + _B58 + r"{33}(?![A-Za-z0-9])")

_BTC_VERSIONS = (0x00, 0x05)  # pay-to-pubkey-hash, pay-to-script-hash
_TRON_VERSION = 0x41
_BECH32M_CONST = 0x2BC830A3  # BIP 350; the bech32 package predates it


def _base58check_version(address: str) -> int | None:
    try:
        payload = base58.b58decode_check(address)
    except ValueError:
        return None
    return payload[0] if len(payload) == 21 else None


def is_valid_segwit(address: str, hrp: str = "bc") -> bool:
    """BIP 173 (witness v0, bech32) or BIP 350 (v1+, bech32m) address with the given prefix."""
    if address.lower() != address and address.upper() != address:
        return False
    lowered = address.lower()
    separator = lowered.rfind("1")
    if lowered[:separator] != hrp or len(lowered) > 90:
        return False
    if any(char not in bech32.CHARSET for char in lowered[separator + 1 :]):
        return False
    data = [bech32.CHARSET.find(char) for char in lowered[separator + 1 :]]
    if len(data) < 7:
        return False
    checksum = bech32.bech32_polymod(bech32.bech32_hrp_expand(hrp) + data)
    version = data[0]
    if checksum != (1 if version == 0 else _BECH32M_CONST) or version > 16:
        return False
    program = bech32.convertbits(data[1:-6], 5, 8, False)
    if program is None or not 2 <= len(program) <= 40:
        return False
    return version != 0 or len(program) in (20, 32)


def find_wallets(text: str) -> Iterator[Found]:
    for match in _BTC_BASE58_RE.finditer(text):
        if _base58check_version(match.group(0)) in _BTC_VERSIONS:
            yield _found(match, "btc_base58")
    for match in _BTC_BECH32_RE.finditer(text):
        if is_valid_segwit(match.group(0)):
            yield _found(match, "btc_bech32")
    for match in _ETH_RE.finditer(text):
        yield _found(match, "eth_hex")
    for match in _TRON_RE.finditer(text):
        if _base58check_version(match.group(0)) == _TRON_VERSION or _looks_like_address(match):
            yield _found(match, "tron_base58")


def _looks_like_address(match: re.Match[str]) -> bool:
    """A TRON address kept as written even when its checksum fails (the brief's rule: a victim
    copying one from a screenshot may get a character wrong, and the rest still leads to the
    wallet); mixed digits, capitals and small letters tell it from a long word."""
    address = match.group(0)
    return (
        any(char.isdigit() for char in address)
        and any(char.islower() for char in address)
        and sum(char.isupper() for char in address) > 1
    )


def _found(match: re.Match[str], rule: str) -> Found:
    address = match.group(0)
    return Found("crypto_wallet", address, address, match.start(), match.end(), rule)
