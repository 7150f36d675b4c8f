"""Everything the bot itself says (the interview's words come from Rasa's domain)."""

from __future__ import annotations

from scamreport.storage.erasure import Erasure

# (command, description) in the order Telegram's menu shows them; registered by setMyCommands.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Welcome, privacy notice and consent"),
    ("report", "Report a scam"),
    ("status", "The state of a report you filed: /status SR-XXXX-XXXX"),
    ("check", "How many reports name a number, link, account or wallet"),
    ("cancel", "Stop the report in progress"),
    ("mydata", "What is stored about you"),
    ("delete", "Erase your personal data"),
    ("help", "What I can do"),
)

WELCOME = (
    "Welcome. I help people who have met a scam: I take your report step by step, tell you "
    "what to do right now, and give you a reference number.\n\n"
    'If a scam is happening right now (someone is on the phone, a "courier" is coming, or '
    "you are at the bank), hang up and do not pay anything. Then tell me, and I will help."
)
PRIVACY_NOTICE = (
    "Privacy, in short:\n"
    "• I keep what you tell me and the files you send, to make your report, for {days} days; "
    "then it is deleted. I never keep one-time codes, PINs, passwords or card numbers.\n"
    "• Your Telegram account is stored once, only so that I can tell you when your report's "
    "status changes; everywhere else you appear under a pseudonymous code.\n"
    "• Nothing is sent to the police unless you agree at the end of your report. What the "
    "police receive, they keep under their own rules.\n"
    "• /mydata shows what is stored about you; /delete erases all of it at any time.\n\n"
    "Do you agree to this? (If you just start writing, I take that as a yes.)"
)
CONSENT_YES = "✅ I agree"
CONSENT_NO = "Not now"
CONSENT_DECLINED = (
    "That's fine: nothing about you has been stored. Send /start whenever you are ready.\n\n"
    "If a scam is happening right now, hang up, do not pay anything, and call your local "
    "emergency number."
)
NEEDS_CONSENT = (
    "You chose not to share anything with me, so I have not passed this on. "
    "Send /start if you change your mind."
)

HELP = (
    "Commands:\n"
    "/report – report a scam\n"
    "/status SR-XXXX-XXXX – the state of a report you filed (then send photos or files to add "
    "them to it)\n"
    "/check VALUE – how many reports name a phone number, link, e-mail, account or wallet\n"
    "/cancel – stop the report in progress\n"
    "/mydata – what is stored about you\n"
    "/delete – erase everything stored about you\n\n"
    "You can send screenshots, photos, PDF files and saved e-mails, or forward the scammer's "
    "messages to me: they are attached to your report.\n\n"
    "What I keep: your reports (what you told me, the files, the conversation) for {days} "
    "days, then they are deleted; your Telegram account, only to send you updates. I never "
    "keep one-time codes, PINs, passwords or card numbers. Reports you agree to send to the "
    "police are kept by them under their own rules."
)

UNAVAILABLE = (
    "Sorry, we could not process that just now. Please try again in a minute. I have kept "
    "what you sent and will pass it on as soon as I can, so you don't need to type it again."
)
STILL_UNAVAILABLE = (
    "I still can't reach the assistant. I've kept this message too and will pass everything "
    "on, in order, as soon as I can."
)
RESUMED = "Thank you for waiting. Here is my answer to what you sent while I was unavailable:"
UNAVAILABLE_RESEND = (
    "Sorry, we could not process that just now. Please try again in a minute by sending this "
    "again:\n\n{message}"
)
SOMETHING_WENT_WRONG = (
    "Sorry, something went wrong on my side. Please try again in a minute; if it keeps "
    "happening, send /help."
)
RATE_LIMITED = (
    "You're sending messages faster than I can read them. Please wait {seconds} seconds, then "
    "send your last message again."
)

BUTTON_EXPIRED = "That choice is no longer available. Please answer the latest question."
BUTTON_CHOSEN = "✔ {title}"
CHOOSE_PROMPT = "Please choose:"

# The phrase in Rasa's utter_ask_contact_phone that makes the bot offer the contact button.
SHARE_PHONE_MARKER = "Share my phone number"
SHARE_PHONE_BUTTON = "📱 Share my phone number"
CONTACT_SAVED = "Thank you. I've noted your number {phone} (verified by Telegram)."
CONTACT_NOT_OWN = (
    "That contact is not your own number, so I can't use it to reach you. To share your own "
    'number, tap "Share my phone number", or type it. If it is the scammer\'s contact, type '
    "their number as text instead."
)

EVIDENCE_SAVED_DRAFT = (
    "📎 Saved {what}. It will be attached to the report you are making (or your next one)."
)
EVIDENCE_SAVED_REPORT = "📎 Saved {what} and added it to your report {reference}."
EVIDENCE_SAVED_ALBUM_NOTE = " Any other photos of the same album are saved as well."
EVIDENCE_TEXT_READ_NOTE = (
    " I can read text in it: any number, link or account in it will be listed in the summary "
    "for you to check before the report is sent."
)
SECRET_NOT_KEPT = (
    "🔒 That looks like a one-time code, PIN, password or card number. I have not kept it, "
    "and I never will. You did nothing wrong by telling me — but if you gave it to anyone "
    "else, please call your bank now on the number on the back of your card, so they can "
    "block your card and stop any payment. Then we can carry on."
)
EVIDENCE_SECRET_HIDDEN = (
    "🔒 It contained what looks like a code, PIN, password or card number: I have hidden it. "
    "If you gave it to anyone, call your bank now on the number on your card."
)
EVIDENCE_TOO_BIG = (
    "Sorry, that file is too big: I can only receive files up to 20 MB. Could you send a "
    "screenshot of the important part instead, or a smaller file?"
)
EVIDENCE_WRONG_TYPE = (
    "Sorry, I can't accept that kind of file, for your safety and the police's. I can keep "
    "photos and screenshots (JPEG, PNG, WebP, HEIC), PDF files, saved e-mails (.eml) and text "
    "files. A screenshot of the rest is fine."
)
EVIDENCE_UNSAFE = (
    "I haven't kept that file: it is, or contains, a program or script, and those can harm "
    "the computers of the people who read reports, so I never store them. You did nothing "
    "wrong — scammers often send such files. Please don't open it. If you want to show it, "
    "send a screenshot of the message it came with instead."
)
EVIDENCE_EMPTY = "That file is empty, so there is nothing to keep. Could you send it again?"
EVIDENCE_FAILED = "Sorry, I couldn't download that file just now. Please send it again in a minute."
UNSUPPORTED_MESSAGE = (
    "Sorry, I can't use voice messages, videos, stickers or locations. Please type what you "
    "want to tell me, or send a screenshot or photo."
)

STATUS_USAGE = "Please add the reference number, for example: /status SR-7K3M-9QXD"
STATUS_NOT_FOUND = (
    "I couldn't find a report with the reference {reference} filed from this Telegram "
    "account. Please check the number; it looks like SR-7K3M-9QXD."
)
STATUS_DESCRIPTIONS: dict[str, str] = {
    "received": "received: it is stored and waiting for review",
    "in_review": "being reviewed by an analyst",
    "referred": "passed to an agency that can act on it",
    "actioned": "acted on by the police or another agency",
    "closed": "closed",
}
STATUS_REPLY = (
    "Report {reference}, filed on {filed}: {status}.\n"
    "{forwarding}\n"
    "Evidence attached: {evidence}.\n\n"
    "To add evidence to this report, send photos, screenshots or files now (for the next "
    "{minutes} minutes)."
)
STATUS_FORWARDED = "You agreed that it may be sent to the police."
STATUS_NOT_FORWARDED = "You asked for it not to be sent to the police."

CHECK_USAGE = (
    "Please add what you want to check, for example:\n"
    "/check +65 8123 4567\n/check https://example-shop.com\n/check name@example.com"
)
CHECK_NOTHING_FOUND = (
    "I couldn't recognise a phone number, link, e-mail address, bank account, crypto wallet "
    "or @handle in that. Please check it and try again."
)
CHECK_LINE = "• {label} {value}: named in {count}."
CHECK_CAVEAT = (
    "A clean result proves nothing: scammers change numbers, links and accounts all the "
    "time, and most scams are never reported. If something feels wrong, don't pay and don't "
    "share codes."
)
INDICATOR_LABELS: dict[str, str] = {
    "phone": "Phone number",
    "url": "Link",
    "email": "E-mail address",
    "iban": "Bank account",
    "crypto_wallet": "Crypto wallet",
    "handle": "Account",
}

MYDATA_NOTHING = (
    "I don't store anything about you at the moment (no reports, no files, no Telegram identity)."
)
DELETE_CONFIRM = (
    "This erases everything I store about you: your Telegram identity and phone number, every "
    "report you filed here with its story, transcript and files, the files you sent for a "
    "report you have not finished, waiting messages, and the assistant's record of our "
    "conversation.\n\n"
    "Reports already sent to the police stay with the police: I can't take them back, but "
    "you can ask that agency directly. Reports not yet sent will not be sent. "
    "You won't get updates about your reports any more. Go ahead?"
)
DELETE_YES = "Yes, erase everything"
DELETE_NO = "No, keep it"
DELETE_DONE = (
    "Done. I have erased everything I stored about you: {reports}, {drafts} unsent file(s) "
    "and our conversation. If you write to me again, we start afresh."
)
DELETE_DONE_DELIVERED = (
    "These reports had already reached the police, who keep their copy: {references}. "
    "To have them removed there too, contact the agency and quote the reference."
)


def deletion_done(erasure: Erasure, agency_names: dict[str, str]) -> str:
    """What /delete says afterwards: what was erased, and what the police already have."""
    count = erasure.reports_deleted
    text = DELETE_DONE.format(
        reports=f"{count} report{'s' if count != 1 else ''}", drafts=erasure.drafts_deleted
    )
    if erasure.already_delivered:
        references = ", ".join(
            f"{reference} ({', '.join(agency_names.get(a, a) for a in agencies)})"
            for reference, agencies in sorted(erasure.already_delivered.items())
        )
        text += "\n\n" + DELETE_DONE_DELIVERED.format(references=references)
    return text


DELETE_KEPT = "OK, nothing was erased."
CANCEL_DRAFTS_DELETED = "I've also deleted the {count} file(s) you sent for that report."

# Messages longer than the assistant reads (scamreport.channel): the whole text is kept.
MESSAGE_LONG = (
    "Thank you, that's a long message. I keep all of it for your report, but I read only its "
    "beginning to understand what you need, so if something important comes at the end, "
    "please tell me again in a short message."
)
MESSAGE_CUT = (
    "That message is very long: I kept its first {max} characters for your report. Please "
    "send the rest, or anything important, in shorter messages."
)
