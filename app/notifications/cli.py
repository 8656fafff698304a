"""`flask reminders dispatch` (kept as an alias): plan due reminders and sweep the outbox once."""
import click
from flask.cli import AppGroup

from app.common.jobs_cli import run_once

reminders_cli = AppGroup("reminders", help="SMS reminders and the outbox.")


@reminders_cli.command("dispatch")
@click.option("--batch-size", default=50, show_default=True, help="Rows claimed per transaction.")
def dispatch(batch_size):
    """Plan the reminders due soon, then run one outbox sweep (jobs reminder-planning, outbox-sweep)."""
    planned = run_once("reminder-planning")["planned"]
    stats = run_once("outbox-sweep", batch_size=batch_size)
    click.echo(f"planned {planned} reminder(s); " + ", ".join(f"{k} {v}" for k, v in stats.items()))


def register(app):
    app.cli.add_command(reminders_cli)
