"""`flask adverse-events check-deadlines`: open an alert for each overdue, unreported SAE."""
import click
from flask.cli import AppGroup

from app.adverse_events.seriousness import open_overdue_alerts
from app.common.clock import utcnow
from app.extensions import db

ae_cli = AppGroup("adverse-events", help="Adverse event jobs.")


def check_deadlines_job(now=None) -> int:
    """The job body (for the scheduler too): the job runner commits, like a request boundary."""
    try:
        alerts = open_overdue_alerts(now or utcnow())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(alerts)


@ae_cli.command("check-deadlines")
def check_deadlines():
    """Open an sae_deadline alert for every SAE past its 24 h reporting deadline."""
    click.echo(f"opened {check_deadlines_job()} sae_deadline alert(s)")


def register(app):
    app.cli.add_command(ae_cli)
