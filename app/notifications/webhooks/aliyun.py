"""Aliyun SMS callbacks: replies (SmsUp) and delivery receipts (SmsReport), HTTP batch push.

    POST /sms/aliyun/{secret}/replies   [{"phone_number", "send_time", "content", "sign_name",
                                          "dest_code", "sequence_id"}, ...]
    POST /sms/aliyun/{secret}/receipts  [{"phone_number", "send_time", "report_time", "success",
                                          "err_code", "err_msg", "sms_size", "biz_id", "out_id"}, ...]

Aliyun retries a batch until it gets HTTP 200 with {"code": 0, "msg": "成功"}: every item is
deduplicated (sequence_id; else number, time and text), so a redelivered batch is harmless.
"""
from flask import jsonify
from flask_smorest import Blueprint

from app.common.clock import utcnow
from app.notifications import inbox
from app.notifications.gateways.domestic import e164_from_provider
from app.notifications.webhooks.common import json_body, log, reply_reference, require_secret_and_source

CHANNEL = "aliyun"
blp = Blueprint("sms_aliyun", __name__, description="Aliyun SMS replies and delivery receipts")


def _ok():
    return jsonify(code=0, msg="成功")


@blp.route("/sms/aliyun/<secret>/replies", methods=["POST"])
def aliyun_replies(secret):
    """A batch of replies: each one into the inbox, once."""
    require_secret_and_source(secret)
    now = utcnow()
    for item in json_body(list):
        if not isinstance(item, dict) or not item.get("phone_number") or item.get("content") is None:
            log.warning("aliyun reply without phone_number or content skipped")
            continue
        number = e164_from_provider(item["phone_number"])
        reference = str(item.get("sequence_id") or "") or reply_reference(number, item.get("send_time"),
                                                                          item["content"])
        inbox.accept_inbound(channel=CHANNEL, from_number=number, to_number=str(item.get("dest_code") or ""),
                             body=str(item["content"]), received_at=now, provider_ref=reference, raw=item)
    inbox.process_soon()  # processed off the answer (inline in tests), as Twilio's
    return _ok()


@blp.route("/sms/aliyun/<secret>/receipts", methods=["POST"])
def aliyun_receipts(secret):
    """A batch of delivery receipts: delivered, or undelivered with the carrier's code."""
    require_secret_and_source(secret)
    now = utcnow()
    for item in json_body(list):
        if not isinstance(item, dict) or not item.get("biz_id"):
            continue
        delivered = item.get("success") in (True, "true", "True")
        inbox.accept_receipt(channel=CHANNEL, provider_sid=str(item["biz_id"]),
                             status="delivered" if delivered else "undelivered",
                             error_code=None if delivered else (item.get("err_code") or None),
                             received_at=now, raw=item)
    inbox.process_soon()  # processed off the answer (inline in tests), as Twilio's
    return _ok()
