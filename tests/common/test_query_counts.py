"""SQL statements per request kind of the tablet's mixed workload (issue 19, bench/mixed_workload.py):
a fixed number, whatever the data holds. Each kind is counted with one enrolled patient and
again with several more (more visits at the site, more reports, more messages); the counts
must not move, and are pinned so that a new query per request is a decision, not an accident.
Counts are taken with a warm token cache, as in steady use."""
import pytest
from sqlalchemy import event

from app.extensions import db
from tests.notifications.fake_twilio import sign_webhook

MONDAY = "2026-03-02"
BASE = "https://haic.example.org"
TWILIO_TOKEN = "query-count-twilio-token"
# kind -> statements per request (token from the cache; a symptom report with a diarrhoea item reads
# the patient's baseline once; a scan's reschedule moves it alone, without loading the patient's visits).
# The day view and timeline are counted twice: built (the generation read, then the page's own
# queries) and again from the view cache (the generation read only; the timeline's access check).
EXPECTED = {"day view": 3, "day view (cached)": 1, "timeline": 4, "timeline (cached)": 2,
            "reschedule": 7, "symptom report": 8, "inbound SMS": 1}


def expected(dialect: str) -> dict:
    return {kind: n[dialect] if isinstance(n, dict) else n for kind, n in EXPECTED.items()}


@pytest.fixture
def app_config(app_config):
    app_config.PUBLIC_BASE_URL, app_config.TWILIO_AUTH_TOKEN = BASE, TWILIO_TOKEN
    app_config.INBOX_PROCESSING = "job"  # the webhook only stores (the scheduler's job processes)
    return app_config


def count(call):
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    db.session.close()  # a request's own session, as under a web server (the test's is shared)
    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        response = call()
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert response.status_code < 300, response.get_data(as_text=True)[:400]
    return len(statements)


class Workload:
    """One request of each kind, as the bench sends them, for one patient."""

    def __init__(self, client, nurse, patient):
        self.client, self.nurse, self.patient = client, nurse, patient
        visits = nurse.get(f"/api/v1/patients/{patient['id']}/visits").get_json()["items"]
        # An imaging visit moves alone; a treatment visit drags the later cycles, one UPDATE each.
        self.scan = next(v for v in visits if v["kind"] == "imaging" and v["scheduled_date"] > "2026-04-01")
        self.serial = 0

    def counts(self) -> dict:
        from app.visits import view_cache

        self.nurse.get("/api/v1/auth/me")  # the token cache is warm, as in steady use
        view_cache.cache().clear()  # the views are built once, then answered from the cache
        day = lambda: self.nurse.get("/api/v1/visits", query_string={"site": "BJ", "from": MONDAY})  # noqa: E731
        timeline = lambda: self.nurse.get(f"/api/v1/patients/{self.patient['id']}/visits")  # noqa: E731
        return {kind: count(call) for kind, call in (
            ("day view", day), ("day view (cached)", day), ("timeline", timeline), ("timeline (cached)", timeline),
            ("reschedule", self.reschedule),
            ("symptom report", lambda: self.nurse.post(
                f"/api/v1/patients/{self.patient['id']}/symptom-reports",
                json={"items": [{"ctcae_term": "diarrhoea", "value": 3, "unit": "stools/day"}]})),
            ("inbound SMS", self.inbound))}

    def reschedule(self):
        visit = self.nurse.get(f"/api/v1/visits/{self.scan['id']}")
        day = visit.get_json()["scheduled_date"]
        later = f"{day[:8]}{int(day[8:]) + 1:02d}" if day[8:] < "27" else day
        self.nurse.get("/api/v1/auth/me")  # (the GET above is not counted)
        return self.nurse.post(f"/api/v1/visits/{self.scan['id']}/reschedule",
                               json={"date": later, "reason": "patient asked"},
                               headers={"If-Match": visit.headers["ETag"]})

    def inbound(self):
        self.serial += 1
        params = {"MessageSid": f"SM{self.serial:032d}", "AccountSid": "AC" + "0" * 32,
                  "From": self.patient["phone"], "To": "+861000000000", "Body": "拉肚子3次", "NumSegments": "1"}
        webhook = sign_webhook(TWILIO_TOKEN, BASE + "/sms/inbound", params)
        return self.client.post("/sms/inbound", data=params, headers=webhook.headers)


def test_statements_per_request_kind_do_not_grow_with_the_data(client, nurse, enroll):
    first = enroll(screening_overrides={"initials": "QA"}, treatment_start=MONDAY)
    workload = Workload(client, nurse, first)
    small = workload.counts()
    for n in range(3):  # three more patients on the same days: the day view doubles and more
        enroll(screening_overrides={"initials": f"Q{chr(66 + n)}"}, treatment_start=MONDAY)
    for _ in range(3):  # and more of what the other kinds read
        workload.inbound()
        nurse.post(f"/api/v1/patients/{first['id']}/symptom-reports",
                   json={"items": [{"ctcae_term": "Fatigue", "patient_grade": 1}]})
    large = workload.counts()
    assert small == large == expected(db.engine.dialect.name)
