"""Where domains plug into inbound SMS, so that notifications never imports them.

Symptoms registers the patient free-text handler at app start (`app.factory`); the inbound
route (and the inbox that replaces it) calls `handler()`. A handler is
`fn(actor, now, patient, message) -> list[RenderedSms]`: the replies to queue.
"""
from __future__ import annotations

from typing import Callable

TextHandler = Callable[..., list]
_text_handler: TextHandler | None = None


def register_text_handler(fn: TextHandler) -> None:
    """Install the handler for a patient's free text (the last registration wins)."""
    global _text_handler
    _text_handler = fn


def handler() -> TextHandler | None:
    """The registered free-text handler, or None (the text is then only stored for the nurse)."""
    return _text_handler
