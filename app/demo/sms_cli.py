"""`flask sms simulate FROM TEXT`: sign and post a sample inbound SMS as Twilio would.

The form is signed with TWILIO_AUTH_TOKEN against PUBLIC_BASE_URL (exactly what the
webhook checks, app/notifications/signatures.py) and posted to `/sms/inbound` — in this
process by default (no server needed), or to a running server with `--server`.
The replies and pages it caused are printed (they go out through the outbox).
"""
import secrets
import urllib.error
import urllib.parse
import urllib.request

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.models import Message, Site
from app.notifications.signatures import compute_twilio_signature, public_url

INBOUND_PATH = "/sms/inbound"


def signed_form(auth_token: str, base_url: str, from_number: str, to_number: str, text: str) -> tuple[dict, str]:
    """Twilio's inbound form for `text` and its X-Twilio-Signature."""
    form = {"MessageSid": "SMsim" + secrets.token_hex(15), "AccountSid": "ACsimulated", "From": from_number,
            "To": to_number, "Body": text, "NumSegments": "1"}
    return form, compute_twilio_signature(auth_token, public_url(base_url, INBOUND_PATH), form)


def _default_to_number() -> str:
    configured = current_app.config.get("TWILIO_FROM_NUMBER")
    if configured:
        return configured
    phone = db.session.scalar(select(Site.phone).where(Site.phone.is_not(None)).order_by(Site.id).limit(1))
    return phone or "+861088196114"


def _post_over_http(base_url, form, signature):
    request = urllib.request.Request(public_url(base_url, INBOUND_PATH), method="POST",
                                     data=urllib.parse.urlencode(form).encode(),
                                     headers={"X-Twilio-Signature": signature,
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def register(app):
    group = app.cli.commands.get("sms")
    if group is None:  # another module may own `flask sms …` (templates): join it
        group = AppGroup("sms", help="SMS tools.")
        app.cli.add_command(group)

    @group.command("simulate")
    @click.argument("from_number")
    @click.argument("text")
    @click.option("--to", "to_number", default=None, help="The study number texted (default: the site's phone).")
    @click.option("--server", is_flag=True, help="Post to the running server at PUBLIC_BASE_URL instead.")
    def simulate(from_number, text, to_number, server):
        """Sign and post an inbound SMS, e.g. flask sms simulate "+8613800000000" "拉肚子5次"."""
        config = current_app.config
        token = config.get("TWILIO_AUTH_TOKEN")
        if not token:
            raise click.ClickException("Set TWILIO_AUTH_TOKEN (any value in development; `make run` sets one).")
        form, signature = signed_form(token, config["PUBLIC_BASE_URL"], from_number,
                                      to_number or _default_to_number(), text)
        last_id = db.session.scalar(select(Message.id).order_by(Message.id.desc()).limit(1)) or 0
        if server:
            status = _post_over_http(config["PUBLIC_BASE_URL"], form, signature)
        else:
            status = current_app.test_client().post(INBOUND_PATH, data=form,
                                                    headers={"X-Twilio-Signature": signature}).status_code
        click.echo(f"POST {INBOUND_PATH} {form['MessageSid']} -> {status}")
        if status != 200:
            raise click.ClickException("The webhook refused the message (is TWILIO_AUTH_TOKEN the server's?).")
        if not server:
            db.session.remove()
            _process_inbox_now()  # the webhook only stores; here the simulation also processes
            queued = db.session.scalars(select(Message).where(Message.direction == "outbound", Message.id > last_id)
                                        .order_by(Message.id)).all()
            for message in queued:
                click.echo(f"  queued {message.purpose} to {message.to_number}: {message.body}")


def _process_inbox_now() -> None:
    """Process what the webhook stored (a running server's worker or scheduler would)."""
    from app.common.clock import utcnow
    from app.notifications.inbox import process_inbox

    process_inbox(utcnow(), limit=50)
    db.session.remove()
