"""The reporter's consent to forwarding: one answer in the conversation, two report columns.

The interview's ``consent_forward`` slot holds one of three answers (``ForwardConsent``'s
values); a stored report keeps what that answer allows in two booleans, ``consent_forward``
(to the agency of the reporter's country) and ``consent_cross_border`` (also to agencies
abroad). ``ForwardConsent.from_slot`` reads the slot and its ``forward`` and ``cross_border``
give the columns, so the answer is turned into them in one place.
"""

from __future__ import annotations

from enum import Enum


class ForwardConsent(str, Enum):
    """The answer to "May I send this report to the police?" as the slot holds it."""

    NONE = "none"
    NATIONAL = "national"
    NATIONAL_AND_ABROAD = "national_and_abroad"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def from_slot(cls, value: object) -> ForwardConsent:
        """The slot's answer; no answer (or one this code does not know) allows nothing."""
        try:
            return cls(value)
        except ValueError:
            return cls.NONE

    @property
    def forward(self) -> bool:
        """Whether the report may go to the agency of the reporter's country."""
        return self is not ForwardConsent.NONE

    @property
    def cross_border(self) -> bool:
        """Whether it may also go to the agencies of the countries the scam points to."""
        return self is ForwardConsent.NATIONAL_AND_ABROAD
