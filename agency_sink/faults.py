"""A sink that fails a share of the requests it gets, for fault tests (`scamreport sink
--failure-rate 0.3`).

A failed request is answered 500 either before the delivery is stored (the agency never got
it) or after (the agency kept it but the sender does not know): the second kind is what makes
a sender retry something already received, which the agency must drop by Idempotency-Key.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from http import HTTPStatus

from agency_sink.server import SinkHandler

FAILED_BEFORE_STORING = "500 before storing"
FAILED_AFTER_STORING = "500 after storing"
ANSWERED = "answered"


class FailureDice:
    """Decides, reproducibly for a seed, which requests fail and how."""

    def __init__(self, rate: float, seed: int | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"the failure rate must be between 0 and 1, not {rate}")
        self.rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.outcomes: Counter[str] = Counter()

    def roll(self) -> str:
        with self._lock:
            draw = self._random.random()
            if draw >= self.rate:
                outcome = ANSWERED
            elif draw < self.rate / 2:
                outcome = FAILED_BEFORE_STORING
            else:
                outcome = FAILED_AFTER_STORING
            self.outcomes[outcome] += 1
            return outcome


def flaky_sink_handler(dice: FailureDice) -> type[SinkHandler]:
    """A SinkHandler class whose POSTs fail as ``dice`` decides (GETs always work)."""

    class FlakySinkHandler(SinkHandler):
        def do_POST(self) -> None:
            outcome = dice.roll()
            if outcome == ANSWERED:
                super().do_POST()
                return
            try:
                if outcome == FAILED_BEFORE_STORING:
                    self.read_body()
                else:
                    self.receive()
            except Exception:  # noqa: BLE001 - the answer is a 500 whatever went wrong
                self.close_connection = True
            self.respond_json(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"chaos: {outcome}"})

    return FlakySinkHandler
