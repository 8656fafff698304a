"""`flask symptoms close-abandoned`: close SMS dialogues the patient stopped answering."""
import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.extensions import db
from app.symptoms.services import close_abandoned_reports

symptoms_cli = AppGroup("symptoms", help="Symptom report jobs.")


def close_abandoned_job(now=None) -> int:
    """The job body (for the scheduler too): the job runner commits, like a request boundary."""
    try:
        closed = close_abandoned_reports(now or utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return closed


@symptoms_cli.command("close-abandoned")
def close_abandoned():
    """Store what patients said in dialogues unanswered past the question expiry (12 h)."""
    click.echo(f"closed {close_abandoned_job()} abandoned symptom dialogue(s)")


def register(app):
    app.cli.add_command(symptoms_cli)
