"""The end of the interview: the summary, then the stored report and its reference number."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions import services
from actions.answers import SKIPPED
from actions.blocking import BlockingAction
from actions.indicators import build_indicators, merge_indicators
from actions.interview import reset_report_slots
from actions.messages import (
    full_message_text,
    report_events,
    reporter_language,
    reporter_pseudonym,
)
from actions.screenshots import (
    pending_screenshot_indicators,
    removed_indicators,
    screenshot_indicators,
    without_removed,
)
from actions.summary import build_summary, describe_screenshot_indicators
from actions.wording import say
from scamreport.channel import UPDATE_ID_KEY
from scamreport.consent import ForwardConsent
from scamreport.extraction import mask_message, read_message
from scamreport.extraction.dates import DateAnswer
from scamreport.extraction.payments import money_mentions
from scamreport.interviews import DETAIL_LABELS
from scamreport.routing import plan_deliveries, primary_agency
from scamreport.storage.drafts import claim_pending_evidence, pending_evidence_of
from scamreport.storage.models import Report, Reporter
from scamreport.storage.records import (
    NewConsent,
    NewEvidence,
    NewIndicator,
    NewReport,
    NewReporter,
    NewTranscriptMessage,
)
from scamreport.storage.repository import submit_report
from scamreport.taxonomy import CONTACT_CHANNELS

logger = logging.getLogger(__name__)


class ActionShowSummary(BlockingAction):
    """Shows everything collected so the reporter can confirm or correct it."""

    def name(self) -> str:
        return "action_show_summary"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = reporter_language(tracker)
        summary = build_summary(tracker.slots, language)
        found = listed_screenshot_indicators(tracker)
        if found:
            pairs = [(i.kind, i.value) for i in found]
            summary += "\n" + describe_screenshot_indicators(pairs, language)
        dispatcher.utter_message(response="utter_summary", summary=summary)
        return []


def corrections_of_report(tracker: Tracker) -> list[str]:
    """The reporter's messages taken as corrections (answered by action_apply_correction) once
    the summary was shown, in the report in progress: where a removal of an indicator read in
    a screenshot is asked (actions/screenshots.py)."""
    corrections: list[str] = []
    said: str | None = None
    summary_shown = False
    for event in report_events(tracker):
        if event.get("event") == "user":
            said = full_message_text(event) or None
        elif event.get("event") == "action":
            name = event.get("name")
            if name == "action_apply_correction" and said is not None and summary_shown:
                corrections.append(said)
            summary_shown = summary_shown or name == "action_show_summary"
            if name != "action_listen":
                said = None
    return corrections


def shown_in_summary(session: Session, tracker: Tracker) -> list[NewEvidence]:
    """The drafts with OCR text that were kept before the summary was last shown: those whose
    indicators the reporter saw (a screenshot sent after it adds none; it is kept all the
    same)."""
    shown = [
        event.get("timestamp")
        for event in report_events(tracker)
        if event.get("event") == "action" and event.get("name") == "action_show_summary"
    ]
    last = max((t for t in shown if t), default=None)
    if last is None:
        return []
    return [
        draft.to_record()
        for draft in pending_evidence_of(session, pseudonym=reporter_pseudonym(tracker))
        if draft.ocr_text and draft.created_at.timestamp() <= last
    ]


def listed_screenshot_indicators(tracker: Tracker) -> list[NewIndicator]:
    """What the summary lists as read in the screenshots sent for the report in progress: not
    the reporter's own details, nor what they asked to remove. Empty (and a log line) when the
    database cannot be read: the summary still shows."""
    country = slot_value(tracker, "country")
    pseudonym = reporter_pseudonym(tracker)
    try:
        found = pending_screenshot_indicators(tracker)
        if not found:
            return []
        with services.session_factory()() as session:
            own = reporter_phones(tracker, country) | reporter_identifiers(
                session, pseudonym=pseudonym
            )
    except SQLAlchemyError as error:
        logger.warning("screenshots of %s… not listed: %s", pseudonym[:8], type(error).__name__)
        return []
    found = without_reporter_details(found, own)
    return without_removed(found, corrections_of_report(tracker), country)


def slot_value(tracker: Tracker, slot: str) -> Any:
    value = tracker.get_slot(slot)
    return None if value == SKIPPED else value


def split_amount(value: str | None) -> tuple[Decimal | None, str | None]:
    if not value:
        return None, None
    number, _, currency = value.partition(" ")
    try:
        return Decimal(number), (currency or None)
    except InvalidOperation:
        return None, None


def parse_iso_date(value: str | None) -> date | None:
    """The first day of an incident date slot ("2026-10-20", "2026-W46", "2026-06", a range);
    the slot itself, with its precision, goes into the report's details."""
    answer = DateAnswer.from_iso(value) if value else None
    return answer.start if answer else None


def submission_key(tracker: Tracker) -> str:
    """The same for every attempt to submit one report (its conversation and the moment its
    first event happened), so that a resent "yes" after a crash never files it twice."""
    events = report_events(tracker)
    first = next((e.get("timestamp") for e in events if e.get("timestamp")), None)
    return f"{reporter_pseudonym(tracker)}@{first}"


def already_filed(session: Session, *, pseudonym: str, key: str) -> str | None:
    """The reference of the report filed earlier under ``key``, if any."""
    for reference, details in session.execute(
        select(Report.reference, Report.details).where(Report.pseudonym == pseudonym)
    ):
        if (details or {}).get("submission_key") == key:
            return str(reference)
    return None


# Replies that say a message did not get through (not understood; not saved): a message sent
# again after one answers the same question as before.
FAILURE_NOTICES = frozenset({"utter_default", "utter_submit_failed"})


def is_resend(
    event: dict[str, Any], text: str, said: set[tuple[Any, str]], same_as_last: bool
) -> bool:
    """Whether a user event repeats a message the transcript holds already: the bot sent it
    again after a failure (the same Telegram update, ``UPDATE_ID_KEY`` in its metadata), or
    the same words came again as the answer to the same question (``same_as_last``), after
    silence or a failure notice.

    The same answer to two questions stays twice: another question comes between them."""
    origin = (event.get("metadata") or {}).get(UPDATE_ID_KEY)
    if origin is not None:
        if (origin, text) in said:
            return True
        said.add((origin, text))
    return same_as_last


def build_transcript(tracker: Tracker) -> list[NewTranscriptMessage]:
    """The report's conversation, user lines masked, each message once (``is_resend``)."""
    transcript: list[NewTranscriptMessage] = []
    said: set[tuple[Any, str]] = set()
    # The last thing the assistant asked (its last line but failure notices), and the last
    # user line with the question it answered.
    question: str | None = None
    last: tuple[str, str | None] | None = None
    for event in report_events(tracker):
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        if kind == "bot":
            if (event.get("metadata") or {}).get("utter_action") not in FAILURE_NOTICES:
                question = text
        else:
            # The whole message: NLU reads only the beginning of a long one (a pasted e-mail's
            # wallet is at its end).
            text = mask_message(full_message_text(event)).masked_text
            answered = (text, question)
            if is_resend(event, text, said, last == answered):
                continue
            last = answered
        sent_at = datetime.fromtimestamp(event.get("timestamp") or 0, tz=timezone.utc)
        intent = (event.get("parse_data") or {}).get("intent") or {}
        transcript.append(
            NewTranscriptMessage(
                seq=len(transcript),
                sender=kind,
                text=text,
                sent_at=sent_at,
                intent=intent.get("name") if kind == "user" else None,
                intent_confidence=intent.get("confidence") if kind == "user" else None,
            )
        )
    return transcript


def build_report(tracker: Tracker) -> NewReport:
    amount, currency = split_amount(slot_value(tracker, "amount_lost"))
    consent = ForwardConsent.from_slot(tracker.get_slot("consent_forward"))
    permission = slot_value(tracker, "contact_permission") or "none"
    story = slot_value(tracker, "story") or slot_value(tracker, "opening_story") or ""
    channel = slot_value(tracker, "contact_channel")  # words of their own go to details
    pseudonym = reporter_pseudonym(tracker)
    return NewReport(
        pseudonym=pseudonym,
        reporter=NewReporter(pseudonym=pseudonym),
        scam_type=slot_value(tracker, "scam_type") or "other",
        contact_channel=channel if channel in CONTACT_CHANNELS else None,
        country=slot_value(tracker, "country"),
        urgent=bool(tracker.get_slot("urgent")),
        claimed_agency=slot_value(tracker, "claimed_agency"),
        claimed_identity=slot_value(tracker, "claimed_identity"),
        scammer_contact=slot_value(tracker, "scammer_contact"),
        demand=slot_value(tracker, "demand"),
        money_lost=slot_value(tracker, "money_lost"),
        amount_lost=amount,
        currency=currency,
        payment_method=slot_value(tracker, "payment_method"),
        payee_account=slot_value(tracker, "payee_account"),
        incident_date=parse_iso_date(slot_value(tracker, "incident_date")),
        shop_name=slot_value(tracker, "shop_name"),
        shop_link=slot_value(tracker, "shop_link"),
        items_ordered=slot_value(tracker, "items_ordered"),
        item_received=slot_value(tracker, "item_received"),
        story=mask_message(story).masked_text,
        consent_forward=consent.forward,
        consent_cross_border=consent.cross_border,
        contact_permission=permission,
        language=reporter_language(tracker),
        contact_phone=slot_value(tracker, "contact_phone"),
        details=report_details(tracker),
    )


def report_details(tracker: Tracker) -> dict[str, Any]:
    """What the report's columns do not hold: the interview, money demanded, analyst flags."""
    details: dict[str, Any] = {
        "interview": tracker.get_slot("interview"),
        "submission_key": submission_key(tracker),
    }
    when = slot_value(tracker, "incident_date")
    if when:
        details["incident_date"] = when  # with its precision: "2026-06", "2026-W46", a range
    demanded = slot_value(tracker, "amount_demanded") or amount_demanded_in_story(tracker)
    if demanded:
        details["amount_demanded"] = demanded
    channel = slot_value(tracker, "contact_channel")
    if channel and channel not in CONTACT_CHANNELS:
        details["contact_channel_text"] = channel
    for field in DETAIL_LABELS:  # the answers to the type's own questions
        value = slot_value(tracker, field)
        if value is not None:
            details[field] = value
    flags = [flag for flag in ("minor", "self_harm") if tracker.get_slot(flag)]
    if tracker.get_slot("urgent"):
        flags.append("ongoing")
    if flags:
        details["flags"] = flags
    return details


def amount_demanded_in_story(tracker: Tracker) -> str | None:
    """Money demanded in the opening story, read again now that the country is known
    ("15000 pesos" is PHP for a reporter in the Philippines)."""
    story = slot_value(tracker, "opening_story") or ""
    demanded = money_mentions(story, slot_value(tracker, "country")).demanded if story else []
    return str(demanded[0]) if demanded else None


def reporter_phones(tracker: Tracker, country: str | None) -> set[str]:
    """The reporter's own phone numbers, in E.164: never indicators of the scam."""
    own = slot_value(tracker, "contact_phone")
    phones: set[str] = set()
    if own:
        phones.update(
            value
            for kind, value in read_message(str(own), country).indicators().items()
            if kind == "phone"
        )
        phones.add(str(own))
    return phones


def reporter_identifiers(session: Session, *, pseudonym: str) -> set[str]:
    """The reporter's own number (shared with Telegram's contact button) and @username."""
    row = session.execute(
        select(Reporter.contact_phone, Reporter.telegram_username).where(
            Reporter.pseudonym == pseudonym
        )
    ).first()
    if row is None:
        return set()
    phone, username = row
    return {value for value in (phone, f"@{username}".lower() if username else None) if value}


def without_reporter_details(
    indicators: Sequence[NewIndicator], own: set[str]
) -> list[NewIndicator]:
    """The indicators that are not the reporter's own number or account."""
    return [i for i in indicators if not (i.kind in ("phone", "handle") and i.value.lower() in own)]


def build_consents(report: NewReport) -> list[NewConsent]:
    """The consents given, each with the question's words as the reporter read them."""
    now = datetime.now(timezone.utc)
    language = report.language or "en"
    return [
        NewConsent(
            kind="forward_national",
            granted=report.consent_forward,
            wording=say("consent.forward_national", language),
            recorded_at=now,
        ),
        NewConsent(
            kind="forward_cross_border",
            granted=report.consent_cross_border,
            wording=say("consent.forward_cross_border", language),
            recorded_at=now,
        ),
        NewConsent(
            kind="contact",
            granted=report.contact_permission != "none",
            wording=say("consent.contact", language),
            recorded_at=now,
        ),
    ]


def advice_for(scam_type: str, domain: DomainDict) -> str:
    """The closing advice of a scam type (utter_advice_<type>), else the general one."""
    response = f"utter_advice_{scam_type}"
    return response if response in domain.get("responses", {}) else "utter_advice_general"


class ActionSubmitReport(BlockingAction):
    """Stores the report in one transaction and gives the reporter a reference number."""

    def name(self) -> str:
        return "action_submit_report"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("interview") is None:
            # A "yes" once the report is stored (or after a retry): nothing new to file.
            reference = tracker.get_slot("reference")
            if reference:
                dispatcher.utter_message(response="utter_already_submitted", reference=reference)
            else:
                dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        report = build_report(tracker)
        key = str(report.details["submission_key"])
        transcript = build_transcript(tracker)
        user_texts = [m.text for m in transcript if m.sender == "user"]
        slot_texts = [
            str(slot_value(tracker, s) or "")
            for s in ("scammer_contact", "payee_account", "shop_link", "claimed_agency")
        ]
        own_phones = reporter_phones(tracker, report.country)
        indicators = build_indicators([*user_texts, *slot_texts], report.country)
        registry = services.registry()
        pseudonym = reporter_pseudonym(tracker)
        try:
            with services.session_factory()() as session:
                earlier = already_filed(session, pseudonym=pseudonym, key=key)
                if earlier is not None:
                    return self.confirm(dispatcher, tracker, domain, report, earlier)
                own = own_phones | reporter_identifiers(session, pseudonym=pseudonym)
                indicators = without_reporter_details(indicators, own)
                # Screenshots and forwarded messages sent during the interview; the claim is
                # undone with everything else if the report cannot be stored.
                listed = shown_in_summary(session, tracker)
                evidence = claim_pending_evidence(session, pseudonym=pseudonym)
                captions = [e.caption for e in evidence if e.caption]
                indicators = merge_indicators(
                    indicators,
                    without_reporter_details(build_indicators(captions, report.country), own),
                )
                # Read in the screenshots, as listed in the summary the reporter confirmed.
                # What they asked to remove goes, also from their own messages (the request
                # itself may repeat the number).
                from_screenshots = without_reporter_details(
                    screenshot_indicators(listed, report.country), own
                )
                removed = removed_indicators(
                    from_screenshots, corrections_of_report(tracker), report.country
                )
                indicators = [
                    i
                    for i in merge_indicators(indicators, from_screenshots)
                    if (i.kind, i.value) not in removed
                ]
                deliveries = plan_deliveries(
                    report=report, indicators=indicators, registry=registry
                )
                stored = submit_report(
                    session,
                    report=report,
                    indicators=indicators,
                    transcript=transcript,
                    consents=build_consents(report),
                    evidence=evidence,
                    deliveries=deliveries,
                )
                reference = stored.reference
        except SQLAlchemyError:
            logger.exception("could not store the report of conversation %s", pseudonym)
            dispatcher.utter_message(response="utter_submit_failed")
            return [FollowupAction("action_show_summary")]
        return self.confirm(dispatcher, tracker, domain, report, reference)

    def confirm(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        report: NewReport,
        reference: str,
    ) -> list[EventType]:
        """The reference, where the report goes, the advice; the report in progress ends."""
        registry = services.registry()
        dispatcher.utter_message(response="utter_submitted", reference=reference)
        agency = primary_agency(report.country, registry)
        if report.consent_forward:
            dispatcher.utter_message(
                response="utter_forwarding",
                agency=agency.name,
                website=agency.reporting_website
                or say("police_website_unknown", reporter_language(tracker)),
            )
        else:
            dispatcher.utter_message(response="utter_not_forwarded")
        dispatcher.utter_message(response=advice_for(report.scam_type, domain))
        return [*reset_report_slots(tracker), SlotSet("reference", reference)]
