"""`flask demo seed`: a whole cohort through the real services, idempotent; every view has data."""
from sqlalchemy import func, select

from app.demo.stories import STORIES


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_creates_site_users_patients_and_screen_failures_once(app):
    from app.extensions import db
    from app.models import Patient, PatientEvent, Screening, User, Visit

    output = run(app, "demo", "seed")
    assert output.count("password") == 6  # one demo user per role
    assert db.session.scalar(select(func.count()).select_from(User)) == 6
    patients = {p.initials: p for p in db.session.scalars(select(Patient))}
    assert len(patients) == 25
    statuses = {p.status for p in patients.values()}
    assert statuses == {"on_treatment", "follow_up", "deceased", "withdrawn", "lost_to_follow_up"}
    assert db.session.scalar(select(func.count()).select_from(Screening).where(
        Screening.eligible.is_(False))) == 6

    def visits(initials, **where):
        return db.session.scalars(select(Visit).filter_by(patient_id=patients[initials].id,
                                                          **where)).all()

    in_cycle_5 = {v.code: v for v in visits("LJ")}
    delayed = in_cycle_5["C03-HAIC"]
    assert delayed.status == "completed"
    assert (delayed.actual_date - delayed.scheduled_date).days == 7  # the demo's delay
    assert (in_cycle_5["C04-SINT"].target_date - in_cycle_5["C03-SINT"].actual_date).days == 21
    assert in_cycle_5["C05-SINT"].status == "scheduled"
    assert any(v.code.startswith("SURV-") for v in visits("GF"))
    assert len(visits("WL", status="completed")) >= 3

    again = run(app, "demo", "seed")
    assert "password" not in again and "created 0 patient(s)" in again
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 25
    events = sum(len(story.events) for story in STORIES)
    assert db.session.scalar(select(func.count()).select_from(PatientEvent)) == events


def test_every_view_shows_something_on_the_first_run(app, client):
    output = run(app, "demo", "seed")
    passwords = dict(line.split()[1:4:2] for line in output.splitlines() if line.startswith("user "))
    credentials = run(app, "demo", "credentials")
    assert passwords["demo-nurse"] in credentials and "changed" not in credentials

    def login(username):
        token = client.post("/api/v1/auth/token", json={"username": username, "password": passwords[username]})
        assert token.status_code == 200
        return {"Authorization": f"Bearer {token.get_json()['access_token']}"}

    nurse, investigator = login("demo-nurse"), login("demo-investigator")
    day = client.get("/api/v1/visits", headers=nurse).get_json()["items"]
    assert day, "the nurse's day view is empty"
    alerts = client.get("/api/v1/alerts?status=open", headers=nurse).get_json()["items"]
    assert alerts
    acknowledged = client.get("/api/v1/alerts?status=acknowledged", headers=nurse).get_json()["items"]
    assert acknowledged and acknowledged[0]["notes"]
    safety = client.get("/api/v1/reports/safety", headers=nurse).get_json()
    assert safety["any_ae"]["n"] >= 4 and safety["sae"]["n"] >= 1 and safety["irae"]["n"] >= 1
    efficacy = client.get("/api/v1/reports/efficacy", headers=investigator).get_json()
    assert efficacy["orr"]["responders"] >= 5
    assert efficacy["os"]["events"] >= 3 and efficacy["pfs"]["events"] >= 5
    km = client.get("/api/v1/reports/efficacy/km.svg", headers=investigator)
    assert km.status_code == 200
    site = client.get("/api/v1/sites/BJ", headers=nurse).get_json()
    assert site["phone"]
    rota = client.get("/api/v1/sites/BJ/on-call", headers=nurse)
    assert rota.status_code == 200
    users = client.get("/api/v1/auth/me", headers=nurse).get_json()
    assert users["on_call"] is True and users["phone"]


def test_credentials_refused_outside_development(app):
    app.config["APP_ENV"] = "production"
    result = app.test_cli_runner().invoke(args=["demo", "credentials"])
    assert result.exit_code != 0 and "development only" in result.output


def test_sms_simulate_signs_and_posts_an_inbound_message(app):
    from app.extensions import db
    from app.models import Message, SymptomReport

    app.config["TWILIO_AUTH_TOKEN"] = "demo-token"
    run(app, "demo", "seed")
    output = run(app, "sms", "simulate", "+8613800000000", "拉肚子5次，今天胸口痛")
    # chest pain is a red flag: the urgent reply is queued at once (the demo already answered
    # this patient's earlier texts, and the same reply text is never sent twice in a row)
    assert "-> 200" in output and "queued urgent_reply to +8613800000000" in output
    inbound = db.session.scalars(select(Message).where(Message.direction == "inbound",
                                                       Message.provider_sid.like("SMsim%"))).all()
    assert [m.body for m in inbound] == ["拉肚子5次，今天胸口痛"] and inbound[0].patient_id is not None
    assert db.session.scalar(select(func.count()).select_from(SymptomReport).where(
        SymptomReport.patient_id == inbound[0].patient_id)) >= 1
    app.config["TWILIO_AUTH_TOKEN"] = None
    result = app.test_cli_runner().invoke(args=["sms", "simulate", "+8613800000000", "x"])
    assert result.exit_code != 0 and "TWILIO_AUTH_TOKEN" in result.output


def test_the_seed_works_whatever_day_it_runs(app, clock):
    """Dates are relative to the day the seed runs: a run a year and a half later gives the same cohort."""
    from datetime import datetime, timezone

    from app.extensions import db
    from app.models import Patient

    clock.set(datetime(2027, 11, 30, 2, 0, tzinfo=timezone.utc))
    output = run(app, "demo", "seed")
    assert "created 25 patient(s), 6 screen failure(s)" in output
    assert db.session.scalar(select(func.count()).select_from(Patient)) == 25
