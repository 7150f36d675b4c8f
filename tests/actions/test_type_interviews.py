"""Each scam type's own interview: its questions, answers read into them, and what is kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import SKIPPED, read_answer
from actions.forms import ValidateGeneralForm
from actions.prefill import slots_from_text
from actions.safety import asks_if_in_trouble
from actions.submission import report_details
from scamreport.interviews import DETAIL_LABELS, TYPE_QUESTIONS, all_type_questions
from scamreport.taxonomy import SCAM_TYPES
from tests.actions.test_forms import form_tracker, slots_of

MakeTracker = Callable[..., Tracker]


def test_every_type_but_the_two_with_forms_has_an_interview() -> None:
    assert set(TYPE_QUESTIONS) == set(SCAM_TYPES) - {"fake_authority", "fake_shop"}


def test_every_question_is_in_the_general_form_with_its_words(domain: dict[str, Any]) -> None:
    required = domain["forms"]["general_form"]["required_slots"]
    for question in all_type_questions():
        assert question in required
        assert f"utter_ask_{question}" in domain["responses"], question
        assert f"utter_explain_{question}" in domain["responses"], question
        assert question in domain["slots"], question


def test_every_type_ends_with_advice_of_its_own(domain: dict[str, Any]) -> None:
    for scam_type in TYPE_QUESTIONS:
        if scam_type != "other":
            assert f"utter_advice_{scam_type}" in domain["responses"], scam_type


async def next_question(
    make_tracker: MakeTracker, domain: dict[str, Any], slot: str, text: str, **slots: Any
) -> tuple[str | None, dict[str, Any], CollectingDispatcher]:
    tracker = form_tracker(make_tracker, slot, text, slots=slots, form="general_form")
    dispatcher = CollectingDispatcher()
    events = await ValidateGeneralForm().run(dispatcher, tracker, domain)
    found = slots_of(events)
    return found.get("requested_slot"), found, dispatcher


@pytest.mark.parametrize(
    ("scam_type", "first"),
    [
        ("sextortion", "platform"),
        ("phishing", "contact_channel"),
        ("investment", "platform"),
        ("romance", "where_met"),
        ("money_mule", "recruited_how"),
        ("business_email_compromise", "scammer_contact"),
        ("advance_fee", "prize"),
        ("tech_support", "contact_channel"),
    ],
)
async def test_the_type_decides_the_next_question(
    make_tracker: MakeTracker, domain: dict[str, Any], scam_type: str, first: str
) -> None:
    asked, slots, _ = await next_question(
        make_tracker, domain, "scam_type", scam_type, country="GB"
    )
    assert slots["scam_type"] == scam_type
    assert asked == first


async def test_choosing_the_type_fills_what_the_story_already_said(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    story = "someone on snapchat has my pics and wants 300 dollars by tomorrow, im 16"
    asked, slots, _ = await next_question(
        make_tracker, domain, "scam_type", "sextortion", country="US", opening_story=story
    )
    assert slots["platform"] == "Snapchat"
    assert slots["minor"] is True
    assert asked == "scammer_contact"


async def test_a_reporter_who_says_they_are_under_18_gets_the_child_helpline(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    _, slots, dispatcher = await next_question(
        make_tracker, domain, "minor", "yes", country="GB", scam_type="sextortion"
    )
    assert slots["minor"] is True
    responses = [m.get("response") for m in dispatcher.messages]
    assert any(r and r.startswith("utter_child_helpline") for r in responses)


async def test_cash_has_no_account_to_ask_about(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    asked, _, _ = await next_question(
        make_tracker,
        domain,
        "payment_method",
        "cash, i handed it over",
        country="GB",
        scam_type="romance",
        where_met="Tinder",
        scammer_contact=SKIPPED,  # answered "skip" when asked
        how_long="2 months",
        money_lost=True,
        money_for="a plane ticket",
        amount_lost="500 GBP",
    )
    assert asked == "incident_date"


def test_a_demand_keeps_its_amount_and_deadline() -> None:
    answer = read_answer("demand", "they want $500 by tonight", country="AU")
    assert answer.value == "they want $500 by tonight"
    assert answer.also == {"amount_demanded": "500 AUD", "deadline": "by tonight"}


@pytest.mark.parametrize(
    ("text", "minor"),
    [("no im 24", False), ("15", True), ("yes", True), ("nope", False), ("17 years old", True)],
)
def test_under_18_from_yes_no_or_an_age(text: str, minor: bool) -> None:
    assert read_answer("minor", text).value is minor


def test_money_moved_is_read_from_the_accounts_answer() -> None:
    answer = read_answer("accounts_used", "my monzo account, about 4,000 pounds went through")
    assert answer.also == {"amount_moved": "4000 GBP"}


@pytest.mark.parametrize(
    ("scam_type", "story", "expected"),
    [
        ("phishing", "got an sms saying my parcel is held, link hxxps://dhl-redeliver[.]top/pay",
         {"link": "https://dhl-redeliver.top/pay"}),
        ("tech_support", "microsoft called and made me install anydesk", {"app_installed": "anydesk"}),
        ("romance", "met him on tinder, we talked for 3 months then he needed money",
         {"where_met": "Tinder", "how_long": "3 months"}),
        ("investment", "the app says i made 40k but i cant withdraw unless i pay tax",
         {"withdrawal_blocked": "cant withdraw"}),
        ("advance_fee", "they said i won the lottery and need to pay a release fee",
         {"prize": "lottery"}),
        ("business_email_compromise",
         "the e-mail came from the supplier's real address but the reply-to was Acme.Billing@gmail.com",
         {"reply_to": "acme.billing@gmail.com"}),
        ("business_email_compromise", "地址是真的，可是回复地址变成 siam.acc@outlook.com",
         {"reply_to": "siam.acc@outlook.com"}),
    ],
)  # fmt: skip
def test_the_story_answers_the_types_own_questions(
    scam_type: str, story: str, expected: dict[str, str]
) -> None:
    found = slots_from_text(story, country="GB", interview="general", scam_type=scam_type)
    for slot, value in expected.items():
        assert found.get(slot) == value, (slot, found)


def test_the_answers_to_a_types_questions_are_kept_in_the_report(
    make_tracker: MakeTracker,
) -> None:
    tracker = make_tracker(
        "",
        slots={
            "interview": "general",
            "scam_type": "sextortion",
            "platform": "Instagram",
            "minor": False,
            "deadline": "by tonight",
            "link": "skipped",
        },
    )
    details = report_details(tracker)
    assert details["platform"] == "Instagram"
    assert details["minor"] is False
    assert details["deadline"] == "by tonight"
    assert "link" not in details  # skipped
    assert set(details) - {"interview", "submission_key"} <= set(DETAIL_LABELS)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("my friend says this is money laundering, am i in trouble?", True),
        ("will i go to jail for this", True),
        ("could i get in trouble", True),
        ("i was in trouble with money so i took the job", False),
    ],
)
def test_am_i_in_trouble_is_recognised(text: str, asks: bool) -> None:
    assert asks_if_in_trouble(text) is asks


async def test_amounts_from_the_story_take_the_currency_of_the_country_given_later(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    story = "a scammer posing as my bank took $9,800 from me"
    _, slots, _ = await next_question(
        make_tracker,
        domain,
        "country",
        "australia",
        opening_story=story,
        amount_lost="9800",
        scam_type="phishing",
    )
    assert slots["country"] == "AU"
    assert slots["amount_lost"] == "9800 AUD"


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("300", "SG", "300 SGD"),
        ("15000 pesos", "PH", "15000 PHP"),
        ("USDT 25,000", "SG", "25000 USDT"),
        ("CAD 6,200", "US", "6200 CAD"),
        ("4.2 lakh", "IN", "420000 INR"),
    ],
)
def test_an_amount_answer_has_the_currency_the_reporter_meant(
    text: str, country: str, expected: str
) -> None:
    assert read_answer("amount_lost", text, country=country).value == expected


async def test_the_kind_of_scam_is_asked_with_every_kind_likeliest_first(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    from actions.interview import ActionAskScamType

    story = "a woman i met on a dating app says she loves me and needs money for her visa"
    dispatcher = CollectingDispatcher()
    await ActionAskScamType().run(
        dispatcher, make_tracker("", slots={"opening_story": story}), domain
    )
    # The NLG (rasa_runtime/nlg.py) renders the response in the reporter's language and sorts
    # its buttons by button_order, unlisted payloads last.
    (message,) = dispatcher.messages
    assert message["response"] == "utter_ask_scam_type"
    order = message["button_order"]
    buttons = domain["responses"]["utter_ask_scam_type"][0]["buttons"]
    payloads = sorted(
        (b["payload"] for b in buttons),
        key=lambda p: order.index(p) if p in order else len(order),
    )
    assert payloads[0] == "romance"
    assert payloads[-1] == "something else"
    assert "other" not in order and "something else" not in order
    for payload in payloads:  # every button is understood
        assert read_answer("scam_type", payload).ok


@pytest.mark.parametrize(
    ("text", "consent", "contact"),
    [
        ("yes, send it and update me here", "national", "telegram"),
        ("send it, but no contact please", "national", "none"),
        ("no, do not send it", "none", None),
        ("yes", "national", None),
    ],
)
def test_one_answer_settles_sending_and_contact(
    text: str, consent: str, contact: str | None
) -> None:
    answer = read_answer("consent_forward", text)
    assert answer.value == consent
    assert answer.also.get("contact_permission") == contact


@pytest.mark.parametrize(
    ("text", "money_lost"), [("none", False), ("no", False), ("idk", None), ("$300", True)]
)
def test_the_amount_question_comes_first_and_takes_none(text: str, money_lost: bool | None) -> None:
    answer = read_answer("amount_lost", text, country="US")
    assert answer.ok
    assert answer.also.get("money_lost") is money_lost


def test_a_prize_is_not_money_lost() -> None:
    story = "they said i won S$50,000 in a lucky draw but must pay a fee first, i paid 1800"
    found = slots_from_text(story, country="SG", interview="general", scam_type="advance_fee")
    assert found["amount_lost"] == "1800 SGD"


def test_where_the_scammer_says_he_is_is_not_the_reporters_country() -> None:
    story = "the man i met on a dating site says he is an engineer on an oil rig in syria"
    found = slots_from_text(
        story, country=None, interview="general", entity_values={"country": ["syria"]}
    )
    assert "country" not in found


async def test_a_correction_said_while_another_question_is_asked_changes_the_earlier_answer(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    asked, slots, dispatcher = await next_question(
        make_tracker,
        domain,
        "payment_method",
        "oh wait it was 3000 not 30000",
        country="HK",
        scam_type="other",
        interview="general",
        contact_channel="phone_call",
        scammer_contact=SKIPPED,  # answered "skip" when asked
        amount_lost="30000 HKD",
        money_lost=True,
    )
    assert slots["amount_lost"] == "3000 HKD"
    assert slots["payment_method"] is None
    assert asked == "payment_method"
    assert any(m.get("response") == "utter_corrected" for m in dispatcher.messages)


def test_the_amount_was_x_not_y_is_understood(make_tracker: MakeTracker) -> None:
    from actions.corrections import corrections_in

    tracker = make_tracker(
        "the amount was 21400 not 12400",
        intent="correct",
        slots={"interview": "general", "country": "MY", "amount_lost": "12400 MYR"},
    )
    assert corrections_in("the amount was 21400 not 12400", tracker)["amount_lost"] == "21400 MYR"


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("wait it was actually 2 payments, 1500 and 800", "2300 SGD"),
        ("actually my mum sent another 1,200 this morning so 4,200 altogether", "4200 SGD"),
        ("my mum sent another 1,200 this morning", "4200 SGD"),  # added to the 3,000 given
        ("no no, 12k in total, i sent 3 times", "12000 SGD"),
    ],
)
def test_a_correction_in_a_victims_own_words_gives_the_total(
    make_tracker: MakeTracker, text: str, new: str
) -> None:
    from actions.corrections import corrections_in

    slots = {"interview": "general", "country": "SG", "amount_lost": "3000 SGD"}
    changes = corrections_in(text, make_tracker(text, "correct", slots))
    # "this morning" is the day of the payment added, not the day it happened
    assert changes["amount_lost"] == new and "incident_date" not in changes


def test_a_correction_with_a_count_in_it_takes_the_amount(make_tracker: MakeTracker) -> None:
    from actions.corrections import corrections_in

    text = "actually they took 2 payments so its 1150 total, thats right"
    tracker = make_tracker(
        text, slots={"interview": "general", "country": "GB", "amount_lost": "575 GBP"}
    )
    assert corrections_in(text, tracker)["amount_lost"] == "1150 GBP"


def test_naira_written_with_n_in_nigeria() -> None:
    assert read_answer("amount_lost", "N250,000", country="NG").value == "250000 NGN"


@pytest.mark.parametrize(
    "story",
    [
        "a man from telstra is connected to my computer right now with teamviewer",
        "my dad is at the bank now trying to withdraw 40k because someone from MAS told him to",
    ],
)
def test_happening_now_in_other_words(story: str) -> None:
    from scamreport.urgency import is_urgent

    assert is_urgent(story)


def test_money_someone_is_trying_to_withdraw_is_not_lost_yet() -> None:
    story = "my dad is at the bank now trying to withdraw 40k because someone from MAS told him"
    found = slots_from_text(story, country="SG", interview="fake_authority")
    assert found.get("money_lost") is not True
    assert "amount_lost" not in found


async def test_yes_im_15_gives_the_child_helpline_once(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    _, slots, dispatcher = await next_question(
        make_tracker, domain, "minor", "yes im 15", country="GB", scam_type="sextortion"
    )
    assert slots["minor"] is True
    responses = [m.get("response") or "" for m in dispatcher.messages]
    assert sum(r.startswith("utter_child_helpline") for r in responses) == 1


@pytest.mark.parametrize(
    ("story", "expected"),
    [
        ("I ordered 200 N95 masks, paid by bank transfer and nothing ever came",
         {"items_ordered": "200 N95 masks", "item_received": "nothing",
          "payment_method": "bank_transfer"}),
        ("I'm in Singapore. paid S$650 by PayNow to a carousell seller called gamerzone_sg for a "
         "PS5 yesterday and nothing ever came, he blocked me",
         {"shop_name": "gamerzone_sg", "items_ordered": "a PS5", "item_received": "nothing"}),
        ("bought jordans off a insta shop they sent fake ones n wont refund",
         {"items_ordered": "jordans", "item_received": "fake_or_wrong"}),
        ("we ordered 200 bottles of sanitizer for our store from an online supplier but only 40 "
         "came and they dont reply anymore",
         {"items_ordered": "200 bottles of sanitizer", "item_received": "partial"}),
    ],
)  # fmt: skip
def test_a_shop_story_is_not_asked_again_what_was_ordered_or_what_came(
    story: str, expected: dict[str, str]
) -> None:
    found = slots_from_text(story, country="MY", interview="fake_shop")
    for slot, value in expected.items():
        assert found.get(slot) == value, (slot, found)


def test_a_shop_story_that_does_not_say_what_came_leaves_the_question() -> None:
    story = "i paid a deposit for a french bulldog puppy and now the seller wants more money"
    assert "item_received" not in slots_from_text(story, country="GB", interview="fake_shop")


@pytest.mark.parametrize(
    ("story", "country"),
    [
        ("ato scam call, they said i owe tax and must pay today", "AU"),
        ("got a txt from royal mail saying parcel redelivery fee 1.45 so i put my card details in",
         "GB"),
        ("they said i won a lucky draw, i paid S$3,200 in fees", "SG"),
        # the country the scammer names, or a currency only promised, is not the reporter's
        ("he said he is an engineer in syria and needs 5000 USD", None),
        ("a lawyer said a relative left me 2 million pounds", None),
    ],
)  # fmt: skip
def test_the_reporters_country_shown_by_the_story(story: str, country: str | None) -> None:
    assert slots_from_text(story, country=None, interview="general").get("country") == country


@pytest.mark.parametrize(
    ("text", "channel"),
    [("got a txt from royal mail saying my parcel is held", "sms"),
     ("canada post text said my package was on hold", "sms"),
     ("i got an email from my bank asking me to log in", "email"),
     # internet banking or home broadband is no website; "online" is no LINE
     ("昨天有人打电话说是Singtel的，后来又说要看网上银行有没有被黑", "phone_call"),
     ("a man rang saying my internet connection was hacked", "phone_call"),
     ("i bought shoes from an online shop", "website")],
)  # fmt: skip
def test_the_channel_in_the_story(text: str, channel: str) -> None:
    assert slots_from_text(text, country="GB", interview="general")["contact_channel"] == channel


def test_card_details_typed_on_a_fake_page_say_how_money_was_taken() -> None:
    answer = read_answer("entered_details", "card number and expiry and cvv")
    assert answer.ok and answer.also == {"payment_method": "card"}


def test_an_investment_platform_answered_with_its_link_gives_the_site_too() -> None:
    answer = read_answer("platform", "FXGlobalMax app, fxglobalmax.com")
    assert answer.ok and answer.also == {"link": "https://fxglobalmax.com"}


def test_a_no_in_other_words_to_the_amount_means_nothing_lost() -> None:
    answer = read_answer("amount_lost", "they never paid my salary", country="NL")
    assert answer.also == {"money_lost": False}


def test_one_sum_taken_several_times_is_added_up() -> None:
    story = "someone took money from my account, 2 transfers of 500 dollars each"
    assert slots_from_text(story, country="US", interview="general")["amount_lost"] == "1000 USD"


def test_several_different_sums_lost_leave_the_total_to_ask() -> None:
    story = "i paid 3 dollars fee on their site and then 2 charges of $640 appeared on my visa"
    found = slots_from_text(story, country="CA", interview="general")
    assert "amount_lost" not in found and found["money_lost"] is True


def test_the_reply_to_answer_keeps_the_address_or_the_words() -> None:
    assert read_answer("reply_to", "it went to acme.billing@gmail.com").value == (
        "acme.billing@gmail.com"
    )
    assert read_answer("reply_to", "same as the real one").value == "same as the real one"
    assert "reply_to" in TYPE_QUESTIONS["business_email_compromise"]
    assert "reply_to" in DETAIL_LABELS


def test_a_fake_shop_gives_the_sellers_number_with_its_link_and_is_asked_the_payee() -> None:
    from scamreport.interviews import INTERVIEW_QUESTIONS

    asked = INTERVIEW_QUESTIONS["fake_shop"]
    assert "payee_account" in asked and "scammer_contact" not in asked  # asked with the link
    read = read_answer("shop_link", "instagram @kicks.vault, whatsapp 012-876 5432", country="MY")
    assert (read.value, read.also) == ("@kicks.vault", {"scammer_contact": "+60128765432"})
    assert read_answer("shop_link", "no page, only his number 9123 4567", country="SG").also == {
        "scammer_contact": "+6591234567"
    }
    story = (
        "bought a phone from a seller on carousell, paid to DE89 3704 0044 0532 0130 00, "
        "his whatsapp +65 9123 4567 and then he blocked me"
    )
    found = slots_from_text(story, country="SG", interview="fake_shop")
    assert found["payee_account"] == "DE89370400440532013000"
    assert found["scammer_contact"] == "+6591234567"


@pytest.mark.parametrize(
    ("answer", "money_lost"),
    [
        ("没有，反而他拿了五百块", False),  # no; he was the one paid 500
        ("tak, dia yg dapat RM500", False),
        ("no, they promised me a prize of S$5000", False),
        ("no it was 500", True),  # a correction of the amount: still lost
        ("没有，只是付了五百块手续费", True),
    ],
)
def test_no_beside_money_someone_was_given_is_no_loss(answer: str, money_lost: bool) -> None:
    read = read_answer("amount_lost", answer, country="SG")
    assert read.also.get("money_lost") is money_lost


def test_other_contacts_are_read_and_added_once() -> None:
    from actions.answers import NO_MORE_CONTACTS, with_more_contacts

    read = read_answer("more_contacts", "whatsapp dia +44 7418 339210", country="MY")
    assert read.value == "+447418339210"
    for nothing in ("no", "tiada", "没有", "idk", "tak tahu", "that's all", "itu je"):
        assert read_answer("more_contacts", nothing, country="MY").value == NO_MORE_CONTACTS
    assert with_more_contacts("@kevin", "telegram @kevin and @cs_01, +65 8123 4567", "SG") == (
        "@kevin, +6581234567, @cs_01"  # phones first, as the indicators are listed
    )


async def test_a_contact_from_the_story_is_followed_by_any_other_contacts(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    # A love-scam victim's opening named the Instagram account; the bot never asked for the
    # number, and the WhatsApp number she also had never reached the report.
    asked, _, _ = await next_question(
        make_tracker,
        domain,
        "country",
        "Malaysia",
        scam_type="romance",
        where_met="Instagram",
        scammer_contact="@chef.ryan_cruise",
    )
    assert asked == "more_contacts"


async def test_the_other_contacts_join_the_scammers_contact(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    asked, slots, _ = await next_question(
        make_tracker,
        domain,
        "more_contacts",
        "ada, whatsapp dia +44 7418 339210",
        country="MY",
        scam_type="romance",
        where_met="Instagram",
        scammer_contact="@chef.ryan_cruise",
    )
    assert slots["scammer_contact"] == "@chef.ryan_cruise, +447418339210"
    assert asked == "how_long"


async def test_a_contact_given_when_asked_needs_no_second_question(
    make_tracker: MakeTracker, domain: dict[str, Any]
) -> None:
    asked, _, _ = await next_question(
        make_tracker,
        domain,
        "scammer_contact",
        "@chef.ryan_cruise",
        country="MY",
        scam_type="romance",
        where_met="Instagram",
    )
    assert asked == "how_long"
