"""`flask checkins plan` (kept as an alias of `flask jobs run checkin-planning`)."""
import click
from flask.cli import AppGroup

from app.common.jobs_cli import run_once

checkins_cli = AppGroup("checkins", help="Symptom check-in prompts.")


@checkins_cli.command("plan")
def plan():
    """Queue the weekly and post-HAIC check-ins due now (the outbox sweep sends them)."""
    click.echo(f"queued {run_once('checkin-planning')['planned']} check-in(s)")


def register(app):
    app.cli.add_command(checkins_cli)
