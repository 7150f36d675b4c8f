"""Looking at the stack's processes from outside, as another user of the machine would."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import requests

from scamreport.channel import CHANNEL_TOKEN_HEADER
from scamreport.cli.processes import PROC
from scamreport.cli.stack import Stack
from scamreport.settings import ACTION_SERVER_TOKEN, RASA_AUTH_TOKEN, RASA_CHANNEL_TOKEN

LISTEN = "0A"


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in (PROC / str(pid) / "fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        address: Any = ipaddress.IPv4Address(raw[::-1])
    else:
        # /proc/net/tcp6 prints four host-order 32-bit words.
        words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
        address = ipaddress.IPv6Address(b"".join(words))
    return f"{address}:{int(port, 16)}"


def listening_addresses(pids: list[int]) -> set[str]:
    """The TCP addresses (host:port) these processes listen on, read from /proc."""
    inodes = set().union(*(_socket_inodes(pid) for pid in pids)) if pids else set()
    found = set()
    for table in ("tcp", "tcp6"):
        lines = (PROC / "net" / table).read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == LISTEN and inode in inodes:
                found.add(_address(local))
    return found


def peak_rss_mib(pid: int) -> float:
    """The most memory the process has held at once (VmHWM), in MiB."""
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


def rss_mib(pid: int) -> float:
    for line in (PROC / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def pid_of(stack: Stack, service: str) -> int:
    process = stack.services[service].process
    assert process is not None and process.poll() is None, f"{service} is not running"
    return process.pid


def channel_post(
    stack: Stack, body: Any, *, token: str | None = None, timeout: float = 60
) -> requests.Response:
    """A POST to Rasa's channel; ``token`` None sends no secret header."""
    headers = {CHANNEL_TOKEN_HEADER: token} if token is not None else {}
    return requests.post(
        f"{stack.rasa_url}/webhooks/rest/webhook", json=body, headers=headers, timeout=timeout
    )


def channel_token(stack: Stack) -> str:
    return stack.secrets[RASA_CHANNEL_TOKEN]


def api_params(stack: Stack) -> dict[str, str]:
    return {"token": stack.secrets[RASA_AUTH_TOKEN]}


def action_token(stack: Stack) -> str:
    return stack.secrets[ACTION_SERVER_TOKEN]


def tracker(stack: Stack, sender: str) -> dict[str, Any]:
    """The conversation as Rasa keeps it (read with the API token, as the bot does)."""
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker", params=api_params(stack), timeout=30
    )
    response.raise_for_status()
    return dict(response.json())


def user_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    return [e for e in tracker(stack, sender).get("events") or [] if e.get("event") == "user"]


def log_files(stack: Stack) -> list[Path]:
    return sorted(p for p in stack.log_dir.rglob("*") if p.is_file())
