"""The seam between inbound SMS (notifications) and the domains that read texts (symptoms).

notifications must not import symptoms: app/symptoms registers its handler at app start
(`register_text_handler`), and inbound processing calls whatever is registered. With no
handler the text is only stored (the nurse sees it in the patient's messages).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

from app.notifications.templates import RenderedSms

REPLY = "reply"  # an answer to the patient's own message
URGENT_REPLY = "urgent_reply"  # "call now / go to emergency": watched for lateness
# "We got your message", the one text an opted-out patient still gets for a symptom they sent
# (the provider may block it; send_policy does not).
ACKNOWLEDGEMENT = "acknowledgement"


@dataclass(frozen=True)
class Reply:
    """One SMS to send back to the patient who wrote: the rendered template (its text for Twilio,
    its template code and parameters for the domestic providers) and why it is sent."""

    sms: RenderedSms
    urgent: bool = False
    acknowledgement: bool = False

    @property
    def text(self) -> str:
        return self.sms.text

    @property
    def purpose(self) -> str:
        if self.urgent:
            return URGENT_REPLY
        return ACKNOWLEDGEMENT if self.acknowledgement else REPLY


TextHandler = Callable[..., Sequence["Reply | RenderedSms"]]
_text_handler: TextHandler | None = None


def register_text_handler(handler: TextHandler | None) -> None:
    """Install `handler(actor, now, patient, message) -> [Reply | RenderedSms]` (None uninstalls)."""
    global _text_handler
    _text_handler = handler


def handle_text(actor, now: datetime, patient, message) -> list[Reply]:
    """Run the registered handler on a patient's free text; [] when none is registered."""
    if _text_handler is None:
        return []
    return [r if isinstance(r, Reply) else Reply(r) for r in _text_handler(actor, now, patient, message) or ()]
