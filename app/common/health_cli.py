"""`flask ops status`: the figures of GET /health/system, for an operator's terminal;
exit status 1 when /health/system would answer 503."""
import json

import click

from app.common import health
from app.common.clock import utcnow


def register(app):
    @app.cli.group("ops", help="Operations: system status.")
    def ops():
        pass

    @ops.command("status", help="Database, scheduler, outbox and inbox, as GET /health/system.")
    @click.option("--json", "as_json", is_flag=True, help="Print the JSON body.")
    def status(as_json):
        body = health.report(utcnow())
        healthy = body["database"] == "ok" and not body.get("problems")
        if as_json:
            click.echo(json.dumps(body, indent=2))
        else:
            click.echo(f"status:    {'ok' if healthy else 'DEGRADED'}")
            click.echo(f"database:  {body['database']}")
            scheduler = body["scheduler"]
            click.echo(f"scheduler: last beat {scheduler['last_beat'] or 'never'}")
            for name, at in sorted(scheduler["jobs"].items()):
                click.echo(f"  {name}: {at or 'never'}")
            outbox, inbox = body["outbox"], body["inbox"]
            click.echo(f"outbox:    oldest due {outbox['oldest_due_seconds']} s, stuck sending {outbox['stuck_sending']}")
            click.echo(f"inbox:     oldest unprocessed {inbox['oldest_unprocessed_seconds']} s, "
                       f"failed {inbox['failed']}")
            for problem in body.get("problems", []):
                click.echo(f"PROBLEM:   {problem}")
        raise SystemExit(0 if healthy else 1)

    @app.cli.group("idempotency", help="Stored Idempotency-Key responses.")
    def idempotency_group():
        pass

    @idempotency_group.command("purge", help="Delete stored responses older than IDEMPOTENCY_TTL_HOURS.")
    def purge():
        from app.common.idempotency import purge_expired
        from app.extensions import db

        purged = purge_expired(utcnow(), int(app.config.get("IDEMPOTENCY_TTL_HOURS", 24)))
        db.session.commit()
        click.echo(f"purged {purged} stored responses")
