"""The safety rules every action applies to what the reporter typed.

Secrets are masked (the bot already masks them before Rasa sees the text; this is the second
line). Then, at most once per report and before any question: a crisis line for words of
despair, a child-safety line for a reporter under 18, and stop-now advice when the scam is
still going on (with advice of its own for a sextortion threat).
"""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from actions.messages import reporter_language
from actions.wording import say
from scamreport.extraction.readings import mask_message
from scamreport.safeguarding import mentions_minor, mentions_self_harm
from scamreport.urgency import is_urgent, threatens_now

# Words of a sextortion threat: the stop-now advice differs (do not pay, do not delete).
_SEXTORTION = re.compile(
    # A video call alone is no sign: fake police hold theirs in uniform. Recorded, it is.
    r"\b(?:sextort\w*|nudes?|naked|intimate|explicit|sexual|"
    r"(?:recorded|recording|record|screen\s*-?recorded)\s+(?:me|us|our|my|the|a)\b[^.!?]{0,20}"
    r"\b(?:video\s*call|call|cam|webcam|chat)|recorded\s+(?:me|us)|undress\w*|"
    r"strip(?:ped|ping)?\b|took\s+off\s+(?:her|his|my|their)?\s*clothes|"
    r"private\s+(?:photos?|pictures?|videos?|parts)|(?:send|post|share|leak)\w*\s+(?:it|them|the\s+"
    r"video|my\s+(?:video|photos?|pictures?))\s+to\s+(?:all\s+)?my\s+(?:friends|family|contacts|"
    r"followers|parents))|\b(?:bogel|lucah|gambar\s+intim|video\s+intim|seks)\b|"
    r"裸照|裸聊|裸体|私密(?:照|视频|影像)|不雅(?:照|视频)|性爱|偷录|录下了?(?:我的)?(?:视频|裸)|"
    # a threat to send the reporter's pictures to the people they know
    r"(?:照片|相片|视频|录像)[^。！？]{0,16}(?:发给|发到|公开|曝光|散布|传给|传到)|"
    # a recorded video call: "录了我的视频通话", "视频聊天被录屏", "rakam video call sy"
    r"录了?(?:我|我们)?(?:的)?(?:视频|屏|影)|录屏|视频(?:通话|聊天)[^。！？]{0,12}(?:录|截)|"
    r"\b(?:rakam|dirakam|merakam|rakaman)\w*\s+(?:\w+\s+){0,2}(?:video\s*call|vc|skrin)|"
    r"\b(?:video\s*call|vc)\s+(?:\w+\s+){0,4}(?:dirakam|rakam\w*|record\w*)|"
    r"(?:发给|发到|传给|公开给)[^。！？]{0,8}(?:全班|同学|家人|朋友|老婆|老公|父母|爸妈|同事|所有人|"
    r"联系人|亲戚)|\b(?:sebar|viral|tular)\w*\s+(?:\w+\s+){0,2}(?:gambar|video|foto)|"
    r"\b(?:gambar|video|foto)\s+(?:\w+\s+){0,3}(?:kepada|kat|ke|pada)\s+(?:kawan|keluarga|mak|"
    r"ayah|isteri|suami|semua|cikgu|rakan)",
    re.IGNORECASE,
)


_IN_TROUBLE = re.compile(
    r"\b(?:am\s+i|(?:will|would|could|can)\s+i\s+(?:be|get))\s+(?:in\s+|into\s+)?"
    r"(?:big\s+|any\s+|legal\s+)?trouble\b|\b(?:go|going)\s+to\s+(?:jail|prison)\b|"
    r"\b(?:will|could|can|would)\s+(?:i|they)\s+(?:get\s+|be\s+)?(?:arrest|charg|prosecut)\w*|"
    r"\b(?:saya|aku)\s+(?:akan\s+|boleh\s+)?(?:kena\s+|di)?(?:tangkap|dakwa|penjara)\w*|"
    r"\bmasuk\s+(?:penjara|lokap)\b|\b(?:saya|aku)\s+(?:dalam\s+)?masalah\b"
    r"|我(?:会|会不会|是不是|要|有没有)(?:被抓|坐牢|被捕|被起诉|犯法|违法|有麻烦)|我有麻烦吗|会坐牢吗",
    re.IGNORECASE,
)
# Words of a reporter who moved money for someone: "am I in trouble?" gets the honest answer.
_MULE = re.compile(
    r"\b(?:money\s+launder\w*|mule|my\s+(?:bank\s+)?account\s+(?:was|is|got)\s+(?:used|frozen)|"
    r"(?:receive|received|transfer|transferred|send|sent|move|moved)\s+(?:the\s+)?money\s+"
    r"(?:for|on)\s+(?:them|him|her|someone)|rent(?:ed|ing)?\s+(?:out\s+)?my\s+(?:bank\s+)?account|"
    r"keep(?:ing)?\s+\d+\s*%|keldai|pengubahan\s+wang|sewa\w*\s+akaun|akaun\s+saya\s+"
    r"(?:digunakan|dibekukan|dipakai))"
    r"|洗钱|钱骡|(?:借|租|卖)(?:用|出)?(?:我的)?(?:银行)?(?:账户|帐户|户口)|帮(?:他|她|他们|别人)(?:收|转)钱|"
    r"(?:账户|帐户|户口)(?:被(?:冻结|用)|(?:借|租|卖)给)",
    re.IGNORECASE,
)


def mask_and_warn(text: str, dispatcher: CollectingDispatcher) -> str:
    """``text`` with PINs, passwords, codes and card numbers masked; warns the reporter once."""
    result = mask_message(text)
    if result.kinds:
        dispatcher.utter_message(response="utter_sensitive_warning")
    return result.masked_text


def is_sextortion(text: str, scam_type: str | None = None) -> bool:
    return scam_type == "sextortion" or bool(_SEXTORTION.search(text))


def give_urgent_advice(
    dispatcher: CollectingDispatcher,
    country: str | None,
    *,
    sextortion: bool = False,
    language: str = "en",
) -> None:
    """Stop-now advice, then the number to call."""
    dispatcher.utter_message(
        response="utter_urgent_sextortion" if sextortion else "utter_urgent_stop"
    )
    number = services.registry().emergency_number(country) if country else None
    if number:
        dispatcher.utter_message(response="utter_urgent_call_emergency", emergency_number=number)
    else:
        dispatcher.utter_message(
            response="utter_urgent_call_emergency_unknown",
            emergency_number=say("emergency_numbers_unknown", language),
        )


def give_crisis_line(dispatcher: CollectingDispatcher, country: str | None) -> None:
    number = services.registry().crisis_line(country)
    if number:
        dispatcher.utter_message(response="utter_crisis_line", crisis_line=number)
    else:
        dispatcher.utter_message(response="utter_crisis_line_unknown")


def give_child_helpline(dispatcher: CollectingDispatcher, country: str | None) -> None:
    number = services.registry().child_helpline(country)
    if number:
        dispatcher.utter_message(response="utter_child_helpline", child_helpline=number)
    else:
        dispatcher.utter_message(response="utter_child_helpline_unknown")


def safeguard(
    text: str,
    tracker: Tracker,
    dispatcher: CollectingDispatcher,
    *,
    country: str | None = None,
    story: str = "",
    force_urgent: bool = False,
) -> list[EventType]:
    """Crisis line, child-safety line and stop-now advice for ``text``, each once a report.

    ``story`` is what the reporter said before (it tells a sextortion threat from a call);
    ``force_urgent`` is set when the NLU already took the message as urgent."""
    country = country or tracker.get_slot("country")
    events: list[EventType] = []
    if not text:
        return events
    if mentions_self_harm(text) and not tracker.get_slot("self_harm"):
        give_crisis_line(dispatcher, country)
        events.append(SlotSet("self_harm", True))
    if mentions_minor(text) and not tracker.get_slot("minor"):
        give_child_helpline(dispatcher, country)
        events.append(SlotSet("minor", True))
    context = " ".join(filter(None, [story, text]))
    sextortion = is_sextortion(context, tracker.get_slot("scam_type"))
    # A sextortion threat still standing is urgent whatever the tense: do not pay, keep it all.
    urgent = force_urgent or is_urgent(text) or (sextortion and threatens_now(text))
    if urgent and not tracker.get_slot("urgent"):
        give_urgent_advice(
            dispatcher, country, sextortion=sextortion, language=reporter_language(tracker)
        )
        events.append(SlotSet("urgent", True))
    if asks_if_in_trouble(text):
        recruited = tracker.get_slot("scam_type") == "money_mule" or bool(_MULE.search(context))
        dispatcher.utter_message(
            response="utter_mule_in_trouble" if recruited else "utter_not_in_trouble"
        )
    return events


def asks_if_in_trouble(text: str) -> bool:
    """ "am I in trouble?", "will I go to jail", "can I be arrested"."""
    return bool(_IN_TROUBLE.search(text))
