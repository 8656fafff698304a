"""`flask demo seed`: demo data for `make run` (never run against a trial database)."""
import click
from flask.cli import AppGroup

from app.common.clock import utcnow
from app.common.problems import Problem
from app.demo.seed import seed
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command():
    """Create the demo site, users and patients that are missing (safe to re-run)."""
    try:
        report = seed(utcnow())
        db.session.commit()
    except Problem as exc:
        db.session.rollback()
        raise click.ClickException(exc.detail)
    for username, password in report.passwords.items():
        click.echo(f"user {username} password {password}  (shown once)")
    for study_id, initials, status in report.patients:
        click.echo(f"patient {study_id} {initials} {status}")
    for initials in report.screen_failures:
        click.echo(f"screen failure {initials}")
    click.echo(f"created {len(report.patients)} patient(s), {len(report.screen_failures)} screen "
               f"failure(s), {len(report.passwords)} user(s); {report.skipped} already there")


def register(app):
    app.cli.add_command(demo_cli)
