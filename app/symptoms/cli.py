"""`flask symptoms close-abandoned` (kept as an alias of `flask jobs run abandoned-symptom-dialogues`)."""
import click
from flask.cli import AppGroup

from app.common.jobs_cli import run_once

symptoms_cli = AppGroup("symptoms", help="Symptom report jobs.")


@symptoms_cli.command("close-abandoned")
def close_abandoned():
    """Store what patients said in dialogues unanswered past the question expiry (12 h)."""
    click.echo(f"closed {run_once('abandoned-symptom-dialogues')['closed']} abandoned symptom dialogue(s)")


def register(app):
    app.cli.add_command(symptoms_cli)
