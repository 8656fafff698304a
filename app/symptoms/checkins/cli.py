"""`flask checkins plan`: queue the symptom check-ins due within the hour, once."""
import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.extensions import db
from app.symptoms.checkins.services import plan_checkins

checkins_cli = AppGroup("checkins", help="Symptom check-in prompts.")


@checkins_cli.command("plan")
def plan():
    """Queue the weekly and post-HAIC check-ins due now (the outbox sweep sends them)."""
    planned = plan_checkins(utcnow())
    db.session.commit()
    click.echo(f"queued {planned} check-in(s)")


def register(app):
    app.cli.add_command(checkins_cli)
