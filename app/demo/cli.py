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
    if report.patients:
        click.echo(f"  {report.scans} tumour assessment(s), {report.sms} SMS from patients, "
                   f"{report.adverse_events} adverse event(s), {report.acknowledged} alert(s) acknowledged; "
                   f"labs: {report.labs}")


@demo_cli.command("credentials")
def credentials_command():
    """Print the demo users' passwords again (development only)."""
    from flask import current_app
    from sqlalchemy import select

    from app.auth.passwords import verify_password
    from app.demo.cohort import demo_password
    from app.models import User

    if current_app.config.get("APP_ENV") not in ("development", "testing"):
        raise click.ClickException("`flask demo credentials` runs in development only (APP_ENV=development).")
    users = db.session.scalars(select(User).where(User.username.like("demo-%")).order_by(User.id)).all()
    if not users:
        raise click.ClickException("No demo users: run `flask demo seed` first.")
    for user in users:
        password = demo_password(current_app.config["SECRET_KEY"], user.username)
        note = "" if verify_password(user.password_hash, password) else "  (changed since the seed)"
        click.echo(f"{user.username:<20} {user.role:<13} {password}{note}")


def register(app):
    app.cli.add_command(demo_cli)
