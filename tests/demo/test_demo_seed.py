"""`flask demo seed`: realistic calendars through the real services, idempotent."""
from sqlalchemy import func, select


def run_seed(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_creates_site_users_patients_and_screen_failures_once(app):
    from app.extensions import db
    from app.models import Patient, PatientEvent, Screening, User, Visit

    output = run_seed(app)
    assert output.count("password") == 6  # one demo user per role
    assert db.session.scalar(select(func.count()).select_from(User)) == 6
    patients = {p.initials: p for p in db.session.scalars(select(Patient))}
    assert len(patients) == 10
    assert patients["MB"].status == "deceased"
    assert patients["GF"].status == "follow_up"
    assert db.session.scalar(select(func.count()).select_from(Screening).where(
        Screening.eligible.is_(False))) == 3

    def visits(initials, **where):
        return db.session.scalars(select(Visit).filter_by(patient_id=patients[initials].id,
                                                          **where)).all()

    in_cycle_5 = {v.code: v for v in visits("LJ")}
    delayed = in_cycle_5["C03-HAIC"]
    assert delayed.status == "completed"
    assert (delayed.actual_date - delayed.scheduled_date).days == 7  # the demo's delay
    assert (in_cycle_5["C04-SINT"].target_date - in_cycle_5["C03-SINT"].actual_date).days == 21
    assert in_cycle_5["C05-SINT"].status == "scheduled"
    assert {v.status for v in visits("MB") if v.scheduled_date >= _death_day(db, patients["MB"])} == {
        "cancelled"}
    assert any(v.code.startswith("SURV-") for v in visits("GF"))
    assert len(visits("WL", status="completed")) >= 3

    again = run_seed(app)
    assert "password" not in again and "created 0 patient(s)" in again
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 10
    assert db.session.scalar(select(func.count()).select_from(PatientEvent)) == 5


def _death_day(db, patient):
    from app.models import PatientEvent

    return db.session.scalar(select(PatientEvent.date).where(
        PatientEvent.patient_id == patient.id, PatientEvent.type == "death"))
