"""A gateway for development and tests: logs each message and keeps the last few in memory."""
from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from dataclasses import dataclass

from app.notifications.gateways.base import SendResult, check_send_arguments

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsoleMessage:
    """One message the console gateway pretended to send."""

    sid: str
    to_e164: str
    body: str
    status_callback_url: str | None


class ConsoleGateway:
    """Logs messages instead of sending them; `messages` returns the last `keep_last`."""

    def __init__(self, keep_last: int = 100, logger: logging.Logger | None = None):
        self._messages: deque[ConsoleMessage] = deque(maxlen=keep_last)
        self._lock = threading.Lock()
        self._log = logger or _log

    def send(self, to_e164: str, body: str, *, status_callback_url: str | None = None,
             template=None) -> SendResult:
        """Record and log the message; always succeeds with status "sent"."""
        check_send_arguments(to_e164, body)
        message = ConsoleMessage("CONSOLE" + uuid.uuid4().hex, to_e164, body, status_callback_url)
        with self._lock:
            self._messages.append(message)
        # Only the last digits, and the body (PHI) only at DEBUG: console logs end up in
        # shared terminals and CI output (issue 16, item 9).
        self._log.info("SMS %s to …%s (%d characters)", message.sid, to_e164[-4:], len(body))
        self._log.debug("SMS %s body: %s", message.sid, body)
        return SendResult(provider_sid=message.sid, status="sent")

    @property
    def messages(self) -> list[ConsoleMessage]:
        """A snapshot of the kept messages, oldest first."""
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        """Forget every kept message."""
        with self._lock:
            self._messages.clear()
