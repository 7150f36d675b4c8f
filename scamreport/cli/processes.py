"""The machine's processes as /proc shows them, for stopping a service's whole process group."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

PROC = Path("/proc")


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """Each process's id and the fields of its /proc stat after the command name (in
    parentheses): state, ppid, pgrp, ..."""
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        yield int(entry.name), stat.rsplit(")", 1)[1].split()


def process_group(leader: int) -> list[int]:
    """Every process in the group ``leader`` leads (each Stack service has its own)."""
    return [pid for pid, fields in process_stats() if int(fields[2]) == leader]


def live_group_members(leader: int) -> list[int]:
    """The group's processes that still run: zombies have stopped, whoever reaps them.

    A container's first process may never reap the orphans a service leaves, so a group can
    hold zombies long after everything in it stopped.
    """
    return [pid for pid, fields in process_stats() if int(fields[2]) == leader and fields[0] != "Z"]
