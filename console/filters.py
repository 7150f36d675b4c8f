"""The queue's filters, parsed and checked from a query string (shared by queue and exports)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from scamreport.languages import LANGUAGES
from scamreport.storage.codes import REPORT_STATUSES
from scamreport.taxonomy import SCAM_TYPES
from scamreport.triage import FLAGS

# ``flag=any``: reports with at least one triage flag.
ANY_FLAG = "any"

SORTS: dict[str, str] = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "amount_desc": "Largest loss first",
    "amount_asc": "Smallest loss first",
}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_AGENCY = re.compile(r"^[a-z0-9-]{2,64}$")
_MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class QueueFilters:
    scam_type: str | None = None
    country: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    currency: str | None = None
    has_evidence: bool | None = None
    agency: str | None = None
    # A triage flag (scamreport.triage.FLAGS) or ANY_FLAG.
    flag: str | None = None
    # The reporter's language (scamreport.languages.LANGUAGES); "en" includes reports stored
    # before languages were kept.
    language: str | None = None
    q: str = ""
    sort: str = "newest"
    errors: tuple[str, ...] = field(default=(), compare=False)

    @property
    def created_from(self) -> datetime | None:
        if self.date_from is None:
            return None
        return datetime.combine(self.date_from, time.min, tzinfo=timezone.utc)

    @property
    def created_before(self) -> datetime | None:
        """The end of the date range, exclusive (the day after ``date_to``)."""
        if self.date_to is None:
            return None
        return datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=timezone.utc)

    def to_args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set), for links and exports."""
        args: dict[str, str] = {}
        for item in fields(self):
            if item.name == "errors":
                continue
            value = getattr(self, item.name)
            if value is None or value == "" or (item.name == "sort" and value == "newest"):
                continue
            if isinstance(value, bool):
                args[item.name] = "yes" if value else "no"
            else:
                args[item.name] = str(value)
        return args

    @property
    def is_filtered(self) -> bool:
        return any(key != "sort" for key in self.to_args())


# Dates outside this range are refused (no report is older; the day after 9999-12-31 does
# not exist, and databases disagree about far years).
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)
# The largest amount ``reports.amount_lost`` (NUMERIC(14, 2)) can hold.
MAX_AMOUNT = Decimal("999999999999.99")
_MAX_NUMBER_LENGTH = 40


def parse_day(raw: str) -> date | None:
    """A YYYY-MM-DD date between MIN_DATE and MAX_DATE; raises ValueError otherwise."""
    value = date.fromisoformat(raw)
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"{raw!r} is outside {MIN_DATE} to {MAX_DATE}")
    return value


def _date(raw: str, name: str, errors: list[str]) -> date | None:
    try:
        return parse_day(raw)
    except ValueError as error:
        reason = str(error) if "outside" in str(error) else f"{raw!r} is not a date (YYYY-MM-DD)"
        errors.append(f"{name}: {reason}")
        return None


def _amount(raw: str, name: str, errors: list[str]) -> Decimal | None:
    shown = raw if len(raw) <= _MAX_NUMBER_LENGTH else raw[:_MAX_NUMBER_LENGTH] + "..."
    try:
        if len(raw) > _MAX_NUMBER_LENGTH:
            raise InvalidOperation
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        errors.append(f"{name}: {shown!r} is not a number")
        return None
    if not value.is_finite() or value < 0:
        errors.append(f"{name}: {shown!r} must be zero or more")
        return None
    if value > MAX_AMOUNT:
        errors.append(f"{name}: {shown!r} must be at most {MAX_AMOUNT:,}")
        return None
    # Cents, as stored (1e-999999 would overflow PostgreSQL's numeric type).
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_filters(args: Mapping[str, str]) -> QueueFilters:
    """Reads the filters from ``args``; a bad value is left out and named in ``errors``."""
    errors: list[str] = []

    def text_arg(name: str) -> str:
        return (args.get(name) or "").strip()

    def choice(name: str, allowed: Mapping[str, object] | tuple[str, ...]) -> str | None:
        value = text_arg(name)
        if not value:
            return None
        if value not in allowed:
            errors.append(f"{name}: {value!r} is not a known value")
            return None
        return value

    def pattern(name: str, regex: re.Pattern[str], upper: bool) -> str | None:
        value = text_arg(name)
        value = value.upper() if upper else value.lower()
        if not value:
            return None
        if not regex.fullmatch(value):
            errors.append(f"{name}: {value!r} is not a valid code")
            return None
        return value

    date_from = _date(text_arg("date_from"), "date_from", errors) if text_arg("date_from") else None
    date_to = _date(text_arg("date_to"), "date_to", errors) if text_arg("date_to") else None
    if date_from and date_to and date_from > date_to:
        errors.append("date_from is after date_to")
        date_from = date_to = None
    amount_min = (
        _amount(text_arg("amount_min"), "amount_min", errors) if text_arg("amount_min") else None
    )
    amount_max = (
        _amount(text_arg("amount_max"), "amount_max", errors) if text_arg("amount_max") else None
    )
    evidence = text_arg("has_evidence").lower()
    has_evidence = {"yes": True, "no": False}.get(evidence)
    if evidence and has_evidence is None:
        errors.append(f"has_evidence: {evidence!r} is not yes or no")
    q = text_arg("q")
    if len(q) > _MAX_QUERY_LENGTH:
        errors.append(f"q: the search text was cut to {_MAX_QUERY_LENGTH} characters")
        q = q[:_MAX_QUERY_LENGTH]
    return QueueFilters(
        scam_type=choice("scam_type", SCAM_TYPES),
        country=pattern("country", _COUNTRY, upper=True),
        status=choice("status", REPORT_STATUSES),
        date_from=date_from,
        date_to=date_to,
        amount_min=amount_min,
        amount_max=amount_max,
        currency=pattern("currency", _CURRENCY, upper=True),
        has_evidence=has_evidence,
        agency=pattern("agency", _AGENCY, upper=False),
        flag=choice("flag", (*FLAGS, ANY_FLAG)),
        language=choice("language", LANGUAGES),
        q=q,
        sort=choice("sort", SORTS) or "newest",
        errors=tuple(errors),
    )
