"""The demo seed's lab data: pre-cycle labs for every dosed patient, a held session, a grade-3 neutropenia."""
from sqlalchemy import select


def test_demo_has_pre_cycle_labs_a_hold_and_a_grade_3_neutropenia(app, clock):
    from app.demo.seed import seed
    from app.extensions import db
    from app.visits.readiness_queries import annotate_visits
    from app.models import AdverseEvent, LabCollection, Visit

    report = seed(clock.now())
    db.session.commit()
    dosed = set(db.session.scalars(select(Visit.patient_id).where(Visit.kind == "haic",
                                                                  Visit.status == "completed")))
    with_labs = set(db.session.scalars(select(LabCollection.patient_id)))
    assert dosed and dosed <= with_labs
    sessions = annotate_visits(db.session.scalars(select(Visit).where(Visit.kind == "haic",
                                                                      Visit.status == "scheduled")))
    assert [v.readiness["failing"][0]["test"] for v in sessions if v.readiness["status"] == "hold"] == ["platelets"]
    event = db.session.get(AdverseEvent, report.labs["neutropenia_ae"])
    assert (event.ctcae_term, event.grade) == ("Neutrophil count decreased", 3)
    assert seed(clock.now()).labs["collections"] == 0  # re-running adds nothing
