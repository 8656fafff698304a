"""Inbound SMS in two steps, as the inbox runs them (issue 11 item 4):

1. the webhook's answer rate: a signed Twilio webhook through the Flask test client that
   only verifies, stores the inbox row (its own commit) and answers (target >= 300/s);
2. the inbox processing rate: `process_inbox` over those rows — proof of life, the symptom
   dialogue on the patient's open report, items/alerts/pages and replies to the outbox.

    .venv/bin/python bench/inbound_webhook.py [MESSAGES] [THREADS]

A migrated SQLite file (or TEST_DATABASE_URL) as in the tests; 20 patients texting in turn
from the labelled corpus, answering questions with numbers.
"""
import statistics
import sys
import time
from itertools import cycle
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.common.clock import FrozenClock  # noqa: E402
from app.factory import build_app  # noqa: E402
from app.symptoms.parsing.evaluation import load_corpus  # noqa: E402
from config import TestingConfig  # noqa: E402
from tests.conftest import FROZEN_NOW, PASSWORD  # noqa: E402
from tests.notifications.fake_twilio import sign_webhook  # noqa: E402
from tests.support.database import TestDatabase  # noqa: E402
from tests.support.factories import patient_body, screening_body  # noqa: E402

BASE = "https://haic.example.org"
TOKEN = "bench-auth-token"
PATIENTS = 20


def make_app():
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = TestDatabase().reset()
    config.PUBLIC_BASE_URL, config.TWILIO_AUTH_TOKEN, config.ENROLLMENT_TARGET = BASE, TOKEN, 1000
    config.INBOX_PROCESSING = "job"  # the webhook only stores; step 2 processes
    return build_app(config, clock=FrozenClock(FROZEN_NOW))


def enroll_patients(app, client):
    from app.auth.services import create_user
    from app.extensions import db
    from app.sites.services import create_site

    create_site("bench", FROZEN_NOW, code="BJ", name="Beijing", timezone="Asia/Shanghai", phone="+861088196114",
                haic_daily_capacity=4, quiet_start="21:00", quiet_end="08:00")
    create_user("bench", FROZEN_NOW, username="n", password=PASSWORD, role="nurse", site_code="BJ",
                phone="+8613800000001", on_call=True)
    db.session.commit()
    token = client.post("/api/v1/auth/token", json={"username": "n", "password": PASSWORD}).get_json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    phones = []
    for _ in range(PATIENTS):
        screening = client.post("/api/v1/screenings", json=screening_body(), headers=auth).get_json()
        patient = client.post("/api/v1/patients", json=patient_body(screening["id"]), headers=auth).get_json()
        phones.append(patient["phone"])
    return phones


def messages(count):
    """Corpus texts, each followed by a bare answer so open questions get closed."""
    texts = cycle(r["text"] for r in load_corpus(ROOT / "tests" / "symptoms" / "corpus.jsonl"))
    for n in range(count):
        yield next(texts) if n % 2 == 0 else str(n % 4)


def run(client, phones, count, prefix="SM"):
    latencies = []
    for n, body in enumerate(messages(count)):
        params = {"MessageSid": f"{prefix}{n:032d}", "AccountSid": "AC" + "0" * 32, "From": phones[(n // 2) % len(phones)],
                  "To": "+861000000000", "Body": body, "NumSegments": "1"}
        webhook = sign_webhook(TOKEN, BASE + "/sms/inbound", params)
        start = time.perf_counter()
        response = client.post("/sms/inbound", data=params, headers=webhook.headers)
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200, response.get_data(as_text=True)
    return latencies


def run_concurrently(app, phones, count, threads):
    """Step 1 as a web server sees it: `threads` clients at once (gunicorn workers x threads)."""
    from concurrent.futures import ThreadPoolExecutor

    share = count // threads

    def one(worker):
        with app.app_context():
            return run(app.test_client(), phones, share, prefix=f"T{worker}")

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        latencies = [x for part in pool.map(one, range(threads)) for x in part]
    return latencies, time.perf_counter() - started


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    app = make_app()
    with app.app_context():
        from app.extensions import db
        from app.models import Alert, SymptomReport
        from app.notifications.inbox import process_inbox

        client = app.test_client()
        phones = enroll_patients(app, client)
        run(client, phones, 20, prefix="WU")  # warm-up: imports, lexicon, caches
        process_inbox(FROZEN_NOW, limit=100)
        latencies = run(client, phones, count)
        concurrent, wall = run_concurrently(app, phones, count, threads)
        started, processed = time.perf_counter(), 0
        while True:
            stats = process_inbox(FROZEN_NOW, limit=200)
            processed += stats.done
            if not stats.claimed:
                break
        processing = time.perf_counter() - started
        reports = db.session.query(SymptomReport).count()
        alerts = db.session.query(Alert).count()
    total = sum(latencies)
    p95 = statistics.quantiles(latencies, n=20)[18]
    backend = app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]
    print(f"webhook (verify, store, answer): {count} signed inbound SMS in {total:.2f} s: {count / total:.0f}/s, "
          f"median {statistics.median(latencies) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms ({backend})")
    print(f"webhook with {threads} concurrent clients: {len(concurrent)} in {wall:.2f} s: "
          f"{len(concurrent) / wall:.0f}/s, p95 {statistics.quantiles(concurrent, n=20)[18] * 1000:.1f} ms")
    print(f"inbox processing: {processed} texts in {processing:.2f} s: {processed / processing:.0f}/s "
          f"({reports} reports, {alerts} alerts)")


if __name__ == "__main__":
    main()
