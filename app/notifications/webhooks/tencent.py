"""Tencent Cloud SMS callbacks: replies (回复短信) and delivery receipts (状态回执).

    POST /sms/tencent/{secret}/replies   {"mobile", "nationcode", "text", "sign", "time", "extend"}
    POST /sms/tencent/{secret}/receipts  [{"user_receive_time", "nationcode", "mobile", "report_status",
                                           "errmsg", "description", "sid"}, ...]

Tencent expects {"result": 0, "errmsg": "OK"}. A reply has no id: it is deduplicated by
(number, time, text), so a redelivered one is stored once.
"""
from flask import jsonify, request
from flask_smorest import Blueprint

from app.common.clock import utcnow
from app.common.problems import ValidationProblem
from app.notifications import inbox
from app.notifications.gateways.domestic import e164_from_provider
from app.notifications.webhooks.common import json_body, reply_reference, require_secret_and_source

CHANNEL = "tencent"
blp = Blueprint("sms_tencent", __name__, description="Tencent Cloud SMS replies and delivery receipts")


def _ok():
    return jsonify(result=0, errmsg="OK")


@blp.route("/sms/tencent/<secret>/replies", methods=["POST"])
def tencent_replies(secret):
    """One reply into the inbox, once."""
    require_secret_and_source(secret)
    item = json_body(dict)
    if not item.get("mobile") or item.get("text") is None:
        raise ValidationProblem("A reply needs mobile and text.")
    number = e164_from_provider(item["mobile"], item.get("nationcode") or "86")
    inbox.accept_inbound(channel=CHANNEL, from_number=number, to_number=str(item.get("extend") or ""),
                         body=str(item["text"]), received_at=utcnow(),
                         provider_ref=reply_reference(number, item.get("time"), str(item["text"])), raw=item)
    inbox.process_soon()  # processed off the answer (inline in tests), as Twilio's
    return _ok()


@blp.route("/sms/tencent/<secret>/receipts", methods=["POST"])
def tencent_receipts(secret):
    """A batch of delivery receipts (report_status SUCCESS or FAIL with the carrier's errmsg)."""
    require_secret_and_source(secret)
    now = utcnow()
    for item in _receipts():
        if not isinstance(item, dict) or not item.get("sid"):
            continue
        delivered = str(item.get("report_status") or "").upper() == "SUCCESS"
        inbox.accept_receipt(channel=CHANNEL, provider_sid=str(item["sid"]),
                             status="delivered" if delivered else "undelivered",
                             error_code=None if delivered else (item.get("errmsg") or None),
                             received_at=now, raw=item)
    inbox.process_soon()  # processed off the answer (inline in tests), as Twilio's
    return _ok()


def _receipts() -> list:
    # Documented as an array; a single object is accepted too rather than lost.
    data = request.get_json(silent=True, force=True)
    return [data] if isinstance(data, dict) else json_body(list)
