"""The cold-start suite's pieces that need no Rasa: reading a socket's listen backlog with
`ss`, and the table it writes into docs/performance.md."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from benchmarks.coldstart import PROCESSES, listen_queue
from benchmarks.report import broken, coldstart_section


def test_listen_queue_reads_the_backlog_a_socket_was_given() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(77)
        assert listen_queue(server.getsockname()[1]) == 77
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        assert listen_queue(closed.getsockname()[1]) is None  # bound, not listening


def test_the_cold_start_table_names_every_process_and_the_stack(tmp_path: Path) -> None:
    def spread(value: float) -> dict[str, object]:
        return {"median": value, "min": value, "max": value, "rounds": [value]}

    document = {
        "command": "python -m benchmarks --suites coldstart",
        "machine": {"started_at": "now", "commit": "abc", "cpus": 2, "load_average": [1, 1, 1]},
        "rounds": 1,
        "processes": {name: spread(1.5) for name in PROCESSES},
        "listen_queue": {"actions": 1024, "rasa": 1024},
        "stack": {
            "rasa_ready_seconds": spread(40.0),
            "bot_connected_seconds": spread(45.0),
            "first_reply_seconds": spread(46.2),
        },
        "stack_listen_queue": {"rasa": 1024, "actions": 1024},
    }
    text = "\n".join(coldstart_section(document))
    for name in PROCESSES:
        assert f"| {name} | 1.5 s (1.5-1.5) |" in text
    assert "| whole stack: first reply | 46.2 s (46.2-46.2) |" in text
    assert "'rasa': 1024" in text
    (tmp_path / "coldstart.json").write_text(json.dumps({**document, "processes": {}}))
    assert broken(tmp_path, ["coldstart"]) == ["coldstart: nothing started"]
