"""`flask reminders dispatch`: plan due reminders and send what is due now, once."""
import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.extensions import db
from app.notifications.dispatcher import Dispatcher
from app.notifications.reminders import plan_reminders

reminders_cli = AppGroup("reminders", help="SMS reminders and the outbox.")


@reminders_cli.command("dispatch")
@click.option("--batch-size", default=50, show_default=True, help="Rows claimed per transaction.")
def dispatch(batch_size):
    """Plan the reminders due soon, then run one outbox sweep."""
    planned = plan_reminders(utcnow())
    db.session.commit()
    dispatcher = Dispatcher.from_app(batch_size=batch_size)
    try:
        stats = dispatcher.sweep()
    finally:
        dispatcher.close()
    click.echo(f"planned {planned} reminder(s); " + ", ".join(f"{k} {v}" for k, v in stats.as_dict().items()))


def register(app):
    app.cli.add_command(reminders_cli)
