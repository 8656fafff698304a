"""Log lines without PHI (issue 16, item 9): every line has a UTC timestamp and the request
id; phone numbers are masked to their last four digits in every message; LOG_FORMAT=json
writes one JSON object per line. SQL parameters never reach the log: the engine is created
with `hide_parameters=True` (app factory), so a database error shows the statement only.
"""
import json
import logging
import re
import time

from flask import g, has_request_context

# E.164 numbers and runs of 8–15 digits (a Chinese mobile is 11): keep the last four.
# Dates and times (digits broken by - or :) are left alone.
_PHONE = re.compile(r"(?<![\d.])\+?\d{8,15}(?![\d.])")


def mask_phones(text: str) -> str:
    """'+8613800000002' → '…0002'. Pure."""
    return _PHONE.sub(lambda m: "…" + re.sub(r"\D", "", m.group())[-4:], text)


def mask_phone(phone: str | None) -> str | None:
    """The last four digits of a phone number (audit values, logs); None stays None."""
    if not phone:
        return phone
    digits = re.sub(r"\D", "", phone)
    return "…" + digits[-4:]


class RequestContextFilter(logging.Filter):
    """Adds `request_id` to every record and masks phone numbers in its message."""

    def filter(self, record):
        record.request_id = getattr(g, "request_id", "-") if has_request_context() else "-"
        message = record.getMessage()
        masked = mask_phones(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_phones(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "request_id": getattr(record, "request_id", "-"), "message": record.getMessage()}
        if record.exc_info:
            entry["exc"] = record.exc_text or mask_phones(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def _formatter(log_format: str) -> logging.Formatter:
    formatter = JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    formatter.converter = time.gmtime  # UTC timestamps
    formatter.default_time_format, formatter.default_msec_format = "%Y-%m-%dT%H:%M:%S", "%s.%03dZ"
    return formatter


def configure(level="INFO", log_format="text") -> None:
    """Install one handler on the root logger (idempotent: a second call replaces it)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_haic", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler._haic = True
    handler.setFormatter(_formatter(log_format))
    handler.addFilter(RequestContextFilter())
    root.addHandler(handler)
    root.setLevel(level)
