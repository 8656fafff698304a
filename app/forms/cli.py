"""`flask forms revoke PATIENT_ID`: switch off every usable form link of a patient (a lost phone)."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.common.clock import utcnow
from app.extensions import db
from app.forms import links
from app.models import FormLink

forms_cli = AppGroup("forms", help="Web symptom form links.")


@forms_cli.command("revoke")
@click.argument("patient_id", type=int)
@click.option("--reason", required=True, help="Why (kept in the audit trail).")
def revoke(patient_id, reason):
    """Revoke every link of the patient that has not expired."""
    now = utcnow()
    active = db.session.scalars(select(FormLink).where(
        FormLink.patient_id == patient_id, FormLink.revoked_at.is_(None), FormLink.expires_at > now)).all()
    for link in active:
        links.revoke("cli", now, link, reason)
    db.session.commit()
    click.echo(f"revoked {len(active)} link(s) of patient {patient_id}")


def register(app):
    app.cli.add_command(forms_cli)
