"""Actions that start, steer and stop the interview."""

from __future__ import annotations

import logging
import re

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions import services
from actions.answers import (
    MAX_FAILED_ATTEMPTS,
    REQUIRED_SLOTS,
    SKIPPED,
    answer_beside_not_knowing,
    gives_the_indicator_asked,
    read_answer,
    refers_to_opening_story,
)
from actions.blocking import BlockingAction
from actions.corrections import announce_corrections, corrections_in, sounds_like_correction
from actions.forms import NOT_A_LOSS
from actions.messages import (
    action_before_message,
    latest_entities,
    latest_intent,
    latest_intent_confidence,
    masked_user_text,
    reporter_language,
    reporter_pseudonym,
    user_text,
)
from actions.prefill import is_a_story, slots_from_text
from actions.safety import (
    asks_if_in_trouble,
    give_urgent_advice,
    is_sextortion,
    mask_and_warn,
    safeguard,
)
from actions.screenshots import announce_removals, removals_asked
from actions.stop_answer import StopAnswer, read_stop_answer
from actions.summary import describe_known
from scamreport.classification import guess_scam_type
from scamreport.intents import interview_for
from scamreport.interviews import CLOSING_QUESTIONS, INTERVIEW_QUESTIONS
from scamreport.storage.repository import reporter_country
from scamreport.urgency import is_urgent

logger = logging.getLogger(__name__)

REPORT_SLOTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [s for slots in INTERVIEW_QUESTIONS.values() for s in slots]
        + list(CLOSING_QUESTIONS)
        + ["interview", "urgent", "opening_story", "failed_attempts", "requested_slot"]
        + ["minor", "self_harm", "amount_demanded", "amount_moved", "deadline", "resume_at"]
    )
)
# What action_ask_cancel keeps in resume_at when no report is open.
NOTHING_TO_RESUME = "nothing"
# Sent with the cancelled message: the bot then deletes the report's unfiled evidence.
REPORT_CANCELLED = {"report_cancelled": True}


def remembered_country(pseudonym: str) -> str | None:
    """The country of the reporter's last report, or None (also when the database is down)."""
    try:
        with services.session_factory()() as session:
            return reporter_country(session, pseudonym=pseudonym)
    except SQLAlchemyError:
        logger.warning("could not look up the reporter's country", exc_info=True)
        return None


class ActionStartReport(BlockingAction):
    """Reads the opening story: triage first if it is happening now, then picks the interview."""

    def name(self) -> str:
        return "action_start_report"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        text = mask_and_warn(user_text(tracker), dispatcher)
        story = " ".join(filter(None, [tracker.get_slot("opening_story"), text])).strip()
        events: list[EventType] = [SlotSet("opening_story", story or None)]
        country = tracker.get_slot("country")
        if country is None:  # asked once per reporter: their earlier report's country
            country = remembered_country(reporter_pseudonym(tracker))
            if country:
                events.append(SlotSet("country", country))

        prefilled_country = slots_from_text(story, country=country, interview=None).get("country")
        events.extend(
            safeguard(
                text,
                tracker,
                dispatcher,
                country=country or prefilled_country,
                story=story,
                force_urgent=intent == "urgent",
            )
        )

        chosen = next(iter(latest_entities(tracker).get("scam_type", [])), None)
        interview, scam_type = interview_for(intent, story, chosen, is_story=is_a_story(story))
        events.append(SlotSet("interview", interview))
        if interview == "unknown":
            return events

        known = slots_from_text(
            story,
            country=country,
            interview=interview,
            entity_values=latest_entities(tracker),
            scam_type=scam_type,
        )
        if scam_type:
            known["scam_type"] = scam_type
        wanted = set(INTERVIEW_QUESTIONS[interview]) | set(CLOSING_QUESTIONS) | {"scam_type"}
        known = {
            slot: value
            for slot, value in known.items()
            if slot in wanted and tracker.get_slot(slot) is None
        }
        shown = {k: v for k, v in known.items() if k not in ("scam_type", "story")}
        if shown:
            dispatcher.utter_message(
                response="utter_noted_from_story",
                known=describe_known(shown, reporter_language(tracker)),
            )
        events.extend(SlotSet(slot, value) for slot, value in known.items())
        return events


_INTERVIEW_FORMS = {
    "fake_authority": "fake_authority_form",
    "fake_shop": "fake_shop_form",
    "general": "general_form",
}


class ActionUnclearMessage(BlockingAction):
    """A message the NLU is unsure of. Before any report, a story ("my dad got an sms that his
    bank kyc will expire ... 49000 rupees got debited") starts one, as a report intent would;
    anything else is asked again in other words."""

    def name(self) -> str:
        return "action_unclear_message"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = user_text(tracker)
        if tracker.get_slot("interview") is not None or not is_a_story(text):
            dispatcher.utter_message(response="utter_default")
            return []
        events = ActionStartReport().act(dispatcher, tracker, domain)
        interview = next(
            (e["value"] for e in events if e.get("event") == "slot" and e["name"] == "interview"),
            None,
        )
        if interview in _INTERVIEW_FORMS:
            return [*events, FollowupAction(_INTERVIEW_FORMS[interview])]
        dispatcher.utter_message(response="utter_ask_scam_type_choice")
        return events


class ActionAskScamType(BlockingAction):
    """Which kind of scam: every kind as a button, the classifier's likeliest first."""

    def name(self) -> str:
        return "action_ask_scam_type"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        ranked = guess_scam_type(tracker.get_slot("opening_story") or "").ranked
        # The buttons' payloads write a code's underscores as spaces ("money mule").
        order = [code.replace("_", " ") for code, _ in ranked if code != "other"]
        # The NLG (rasa_runtime/nlg.py) renders it in the reporter's language, buttons reordered.
        dispatcher.utter_message(response="utter_ask_scam_type", button_order=order)
        return []


# Below this the NLU's "urgent" is not enough to stop an interview with the stop-now advice when
# the message answers the question asked and says nothing is happening now (is_urgent).
URGENT_SURE = 0.6


class ActionUrgentTriage(BlockingAction):
    """Stop-now advice and the emergency number, in the middle of an interview."""

    def name(self) -> str:
        return "action_urgent_triage"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = mask_and_warn(user_text(tracker), dispatcher)
        requested = tracker.get_slot("requested_slot")
        if not is_urgent(text) and (
            latest_intent_confidence(tracker) < URGENT_SURE
            or gives_the_indicator_asked(requested, text, tracker.get_slot("country"))
        ):
            # "tak, kad dgn login semua dia pegang" (no, he holds the card and the login),
            # heard as urgent at 0.38, or the link asked for heard as urgent at 0.72: an
            # answer, with no word of anything happening now
            answered = answer_to_requested(tracker, text)
            if answered:
                return answered
        story = tracker.get_slot("opening_story") or ""
        events = safeguard(text, tracker, dispatcher, story=story, force_urgent=True)
        if tracker.get_slot("urgent"):  # said again: the advice is worth repeating
            give_urgent_advice(
                dispatcher,
                tracker.get_slot("country"),
                sextortion=is_sextortion(f"{story} {text}", tracker.get_slot("scam_type")),
                language=reporter_language(tracker),
            )
        # The same words may also answer the question ("he's coming to collect it" as the
        # story): taken, so that the question is not asked again and again.
        answered = answer_to_requested(tracker, text)
        return [
            *events,
            SlotSet("urgent", True),
            *(answered or left_unanswered_again(tracker, dispatcher)),
        ]


def left_unanswered_again(tracker: Tracker, dispatcher: CollectingDispatcher) -> list[EventType]:
    """A question whose answers are each heard as something else ("还没有 我还在排队", heard as
    urgent every time) is left blank after MAX_FAILED_ATTEMPTS, as the form leaves one it cannot
    read: a reporter at the bank is never asked the same question for ever."""
    requested = tracker.get_slot("requested_slot")
    if not requested or requested in REQUIRED_SLOTS:
        return []
    failures = int(tracker.get_slot("failed_attempts") or 0) + 1
    if failures > MAX_FAILED_ATTEMPTS:
        dispatcher.utter_message(response="utter_skipped")
        return [SlotSet(requested, SKIPPED), SlotSet("failed_attempts", 0)]
    return [SlotSet("failed_attempts", failures)]


# Words that really ask to stop, when the NLU reads a message as "cancel".
_STOP_WORDS = re.compile(
    r"\b(?:stop|cancel|quit|exit|end|abort|forget|enough|restart|start\s+over|give\s+up|"
    r"don'?t\s+want|leave\s+it|bye|nevermind|never\s+mind|berhenti|batal\w*|tak\s+nak|"
    r"tidak\s+mahu|tak\s+mahu|sudahlah|keluar|mula\s+semula|lupakan)\b"
    r"|停止|取消|不要了|算了|不报了|不想报|退出|结束|重新开始|再见",
    re.IGNORECASE,
)
# A message that asks the bot something, or speaks to it, rather than answering its question.
_ASKS_THE_BOT = re.compile(
    r"\?|^\s*(?:why|what|who|how|huh|pardon|sorry\s+what|wait\s+what|are\s+you|r\s+u|is\s+this|"
    r"can\s+you|could\s+you|do\s+you|should\s+i|explain)\b|\b(?:you|u|ur|your|you'?re|bot|"
    r"robot|human|real\s+person|this\s+chat|mean)\b"
    r"|？|^\s*(?:为什么|为何|什么意思|什么(?!都|也)|谁|怎么|请问|你是|你们是)|机器人|真人|你是谁|什么意思|吗\s*$"
    r"|^\s*(?:kenapa|mengapa|siapa|macam\s+mana|bagaimana|apa\s+maksud|boleh\s+tak|adakah)\b"
    r"|\b(?:awak|anda|kau|bot|robot|manusia|maksud)\b",
    re.IGNORECASE,
)


def answer_to_requested(tracker: Tracker, text: str) -> list[EventType]:
    """The slot events when ``text`` answers the form's current question, else []."""
    requested = tracker.get_slot("requested_slot")
    opening = tracker.get_slot("opening_story")
    if requested == "story" and opening and refers_to_opening_story(text):
        return [SlotSet("story", opening), SlotSet("failed_attempts", 0)]
    if not requested or not text or _ASKS_THE_BOT.search(text):
        return []
    answer = read_answer(
        requested, text, country=tracker.get_slot("country"), entities=latest_entities(tracker)
    )
    # A skip is no answer here, unless it says something ("还没有" to the amount: none lost).
    if not answer.ok or (answer.value == SKIPPED and not answer.also):
        return []
    also = [SlotSet(k, v) for k, v in answer.also.items() if tracker.get_slot(k) is None]
    return [SlotSet(requested, answer.value), *also, SlotSet("failed_attempts", 0)]


class ActionAnswerOrInterject(BlockingAction):
    """While a form asks a question, an answer that fits it wins over a question to the bot:
    "Metropolitan Police" answers "Who did they say they were?", it does not ask whether the
    bot is the police. Otherwise the question is explained, or the bot says what it is."""

    def name(self) -> str:
        return "action_answer_or_interject"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = mask_and_warn(user_text(tracker), dispatcher)
        events = safeguard(text, tracker, dispatcher, story=tracker.get_slot("opening_story") or "")
        answered = answer_to_requested(tracker, text)
        if answered:
            return [*events, *answered]
        if asks_if_in_trouble(text):
            return events  # answered by safeguard
        if latest_intent(tracker) == "bot_challenge":
            dispatcher.utter_message(response="utter_iamabot")
        else:
            dispatcher.utter_message(response=explanation_for(tracker, domain))
        return events


def explanation_for(tracker: Tracker, domain: DomainDict) -> str:
    response = f"utter_explain_{tracker.get_slot('requested_slot')}"
    return response if response in domain.get("responses", {}) else "utter_explain_general"


class ActionAskCancel(BlockingAction):
    """Asks once before a half-done report is dropped; the interview pauses meanwhile."""

    def name(self) -> str:
        return "action_ask_cancel"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("interview") is None:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return [ActiveLoop(None), SlotSet("resume_at", NOTHING_TO_RESUME)]
        text = user_text(tracker)
        if action_before_message(tracker) == self.name():
            return self.answered(dispatcher, tracker, read_stop_answer(text))
        if tracker.active_loop_name and not _STOP_WORDS.search(text):
            # "France" read as "cancel" by the NLU: an answer to the question goes on with it.
            answered = answer_to_requested(tracker, masked_user_text(tracker))
            if answered:
                return [*answered, FollowupAction(tracker.active_loop_name)]
        if tracker.active_loop_name:
            resume_at = tracker.active_loop_name
        elif tracker.get_slot("interview") == "unknown":
            resume_at = "utter_ask_scam_type_choice"
        else:
            resume_at = "action_show_summary"
        dispatcher.utter_message(response="utter_ask_cancel")
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("resume_at", resume_at)]

    @staticmethod
    def answered(
        dispatcher: CollectingDispatcher, tracker: Tracker, answer: StopAnswer | None
    ) -> list[EventType]:
        """The typed answer to this question, that the NLU heard as "cancel" once more ("no,
        continue"): stop on a clear yes, else go on where the report was paused."""
        if answer == "stop":
            return [FollowupAction("action_cancel_report")]
        resume_at = tracker.get_slot("resume_at")
        dispatcher.utter_message(response="utter_resumed")
        if resume_at in (None, NOTHING_TO_RESUME):
            return []
        return [FollowupAction(resume_at)]


class ActionResumeReport(Action):
    """Goes on with the report where it was paused by the question whether to stop."""

    def name(self) -> str:
        return "action_resume_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        resume_at = tracker.get_slot("resume_at")
        if tracker.get_slot("interview") is None or resume_at in (None, NOTHING_TO_RESUME):
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        # The rules in data/rules/resume.yml then go back to the slot resume_at names.
        dispatcher.utter_message(response="utter_resumed")
        return []


class ActionSkipQuestion(BlockingAction):
    """Leaves an optional question unanswered; required ones are asked again. What the
    message still answers ("PayNow, tak ingat": how, not where to) is kept."""

    def name(self) -> str:
        return "action_skip_question"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slot = tracker.get_slot("requested_slot")
        opening = tracker.get_slot("opening_story")
        if slot == "story" and opening:  # "I told you everything already": that story it is
            return [SlotSet("story", opening), SlotSet("failed_attempts", 0)]
        text = masked_user_text(tracker)
        answer = (
            answer_beside_not_knowing(
                slot,
                text,
                country=tracker.get_slot("country"),
                language=reporter_language(tracker),
                entities=latest_entities(tracker),
            )
            if slot and text
            else None
        )
        if answer is not None:
            return [
                SlotSet(slot, answer.value),
                *(SlotSet(k, v) for k, v in answer.also.items() if tracker.get_slot(k) is None),
                SlotSet("failed_attempts", 0),
            ]
        if not slot or slot in REQUIRED_SLOTS:
            dispatcher.utter_message(response="utter_skip_not_allowed")
            return []
        dispatcher.utter_message(response="utter_skipped")
        return [SlotSet(slot, SKIPPED), SlotSet("failed_attempts", 0)]


class ActionApplyCorrection(BlockingAction):
    """Changes an earlier answer, or takes the message as the answer to the current question."""

    def name(self) -> str:
        return "action_apply_correction"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = mask_and_warn(user_text(tracker), dispatcher)
        events = safeguard(text, tracker, dispatcher, story=tracker.get_slot("opening_story") or "")
        removed = removals_asked(tracker, text)  # "remove the link from my screenshot"
        if removed:
            announce_removals(dispatcher, removed, reporter_language(tracker))
            return events
        requested = tracker.get_slot("requested_slot")
        # The NLU heard a correction in words with no mark of one, asked a question whose
        # amounts are no loss ("再给一千五新币" asked what they demand), or given the number or
        # account asked for ("paynow号码是 9027 6615"): the answer comes first.
        answers_instead = requested in NOT_A_LOSS or gives_the_indicator_asked(
            requested, text, tracker.get_slot("country")
        )
        answered = (
            answer_events(requested, text, tracker)
            if answers_instead and not sounds_like_correction(text)
            else None
        )
        if answered is not None:
            return [*events, *answered]
        changes = corrections_in(text, tracker)
        if not changes and requested:
            answered = answer_events(requested, text, tracker)
            if answered is not None:  # taken, nothing to announce
                return [*events, *answered]
        if not changes:
            dispatcher.utter_message(response="utter_correction_not_understood")
            return events
        announce_corrections(dispatcher, changes, reporter_language(tracker))
        return [*events, *(SlotSet(slot, value) for slot, value in changes.items())]


def answer_events(requested: str, text: str, tracker: Tracker) -> list[EventType] | None:
    """The slots text fills as the answer to the question asked; None when it is no answer."""
    answer = read_answer(
        requested,
        text,
        intent=latest_intent(tracker),
        country=tracker.get_slot("country"),
        entities=latest_entities(tracker),
    )
    if not answer.ok:
        return None
    return [
        SlotSet(requested, answer.value),
        *(
            SlotSet(slot, value)
            for slot, value in answer.also.items()
            if tracker.get_slot(slot) is None
        ),
    ]


class ActionCancelReport(Action):
    """Stops the report in progress; nothing is stored."""

    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("interview") is None:
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        # The marker tells the bot to delete the files sent for this report.
        dispatcher.utter_message(response="utter_cancelled", json_message=REPORT_CANCELLED)
        return reset_report_slots(tracker)


def reset_report_slots(tracker: Tracker) -> list[EventType]:
    """Clears the report in progress; the reporter's country is kept for the next report."""
    return [
        SlotSet(slot, None)
        for slot in REPORT_SLOTS
        if slot != "country" and tracker.get_slot(slot) is not None
    ]
