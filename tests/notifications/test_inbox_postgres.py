"""The inbox on PostgreSQL: two texts from one patient at the same moment are both stored and
both processed; a database stopped for 10 s under inbound load loses nothing and processes
each text exactly once after recovery (issue 11 item 4).

The outage test never touches the shared server: it runs a throwaway cluster (initdb into a
temporary directory, its own port) and stops that one.
"""
import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Alert, InboxEntry, Message, SymptomReport
from tests.notifications.fake_twilio import DEFAULT_AUTH_TOKEN, sign_webhook
from tests.notifications.sms_support import PUBLIC_BASE_URL, twilio_config

pytestmark = pytest.mark.postgres
INBOUND = PUBLIC_BASE_URL + "/sms/inbound"
PAIRS = 20


def _signed(sender, body, sid, to="+10000000000"):
    params = {"MessageSid": sid, "From": sender, "To": to, "Body": body, "AccountSid": "AC" + "0" * 32}
    return sign_webhook(DEFAULT_AUTH_TOKEN, INBOUND, params)


@pytest.fixture
def app_config(app_config, fake_twilio):
    return twilio_config(app_config, fake_twilio)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL (row locks, SKIP LOCKED)")
def test_two_texts_from_one_patient_at_the_same_moment_are_both_stored_and_processed(app, enroll):
    patient = enroll(language="en")
    db.session.remove()
    results, failures = [], []

    def post(barrier, webhook):
        client = app.test_client()
        barrier.wait()
        try:
            results.append(client.post("/sms/inbound", data=webhook.params, headers=webhook.headers).status_code)
        except Exception as error:  # pragma: no cover - reported below
            failures.append(error)

    bodies = []
    for pair in range(PAIRS):
        barrier = threading.Barrier(2)
        pair_bodies = [f"nausea since morning {pair}", f"headache and tired {pair}"]
        bodies += pair_bodies
        threads = [threading.Thread(target=post, args=(barrier, _signed(patient["phone"], body, f"SMp{pair}x{n}")))
                   for n, body in enumerate(pair_bodies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not failures and results == [200] * (2 * PAIRS)
    entries = db.session.scalars(select(InboxEntry)).all()
    assert len(entries) == 2 * PAIRS and {e.state for e in entries} == {"done"}
    inbound = db.session.scalars(select(Message).where(Message.direction == "inbound")).all()
    assert sorted(m.body for m in inbound) == sorted(bodies)
    written = "\n".join(r.text for r in db.session.scalars(select(SymptomReport)))
    assert all(body in written for body in bodies)  # every text went through the symptom pipeline


# --- a 10-second outage of a throwaway cluster under inbound load ------------------------------

def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args):
    """Run a server binary as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + args
    return args


class ThrowawayCluster:
    def __init__(self, port: int):
        self.bin = _pg_bin()
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="haic-outage-"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        subprocess.run(_as_postgres([str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                     "--no-sync"]), check=True, capture_output=True)
        self.start()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args):
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", *args]), check=True,
                       capture_output=True)

    def start(self):
        self._ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off",
                  "-l", str(self.dir / "log"), "start")

    def stop(self):
        self._ctl("-m", "fast", "stop")

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if _pg_bin() is None or shutil.which("runuser") is None and os.geteuid() == 0:
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = ThrowawayCluster(port=55000 + os.getpid() % 900)
    yield cluster
    cluster.destroy()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL run (CI); needs server binaries")
def test_a_ten_second_outage_under_load_loses_nothing_and_processes_each_text_once(cluster, tmp_path):
    from app.common.clock import SystemClock
    from app.factory import build_app
    from app.notifications import inbox
    from config import TestingConfig

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = cluster.url
    config.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 2}}
    config.PUBLIC_BASE_URL, config.TWILIO_AUTH_TOKEN = PUBLIC_BASE_URL, DEFAULT_AUTH_TOKEN
    config.INBOX_PROCESSING = "background"  # the web process's own worker, as in production
    config.INBOX_SPOOL_DIR = str(tmp_path / "spool")
    app = build_app(config, clock=SystemClock())
    with app.app_context():
        db.create_all()
    answers, stop = Counter(), threading.Event()
    sent: list[str] = []
    lock = threading.Lock()

    def load(worker: int):
        client = app.test_client()
        n = 0
        while not stop.is_set():
            sid = f"SMw{worker}n{n:05d}"
            webhook = _signed(f"+8613{worker:03d}{n:06d}", f"hello {sid}", sid)
            status = client.post("/sms/inbound", data=webhook.params, headers=webhook.headers).status_code
            with lock:
                answers[status] += 1
                sent.append(sid)
            n += 1
            time.sleep(0.03)  # ~100 texts/s offered: enough load, processing after recovery stays short

    threads = [threading.Thread(target=load, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        cluster.stop()
        stopped_at = len(sent)
        time.sleep(10)
        during = len(sent) - stopped_at
        cluster.start()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        inbox.stop_worker(app)
    assert answers == Counter({200: len(sent)}) and during > 20, (answers, during)
    with app.app_context():
        # The scheduler's job, run by hand until all is done; rows claimed by a sweep that lost
        # the database come back when their lease ends (the job's clock is moved past it).
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            inbox.replay_spool()
            inbox.process_inbox(datetime.now(timezone.utc) + inbox.LEASE, limit=500)
            if inbox.spooled_count() == 0 and not db.session.scalar(
                    select(func.count()).select_from(InboxEntry).where(InboxEntry.state != "done")):
                break
            time.sleep(0.2)
        refs = Counter(db.session.scalars(select(InboxEntry.provider_ref)))
        assert set(refs) == set(sent) and max(refs.values()) == 1  # 0 lost, none stored twice
        assert db.session.scalar(select(func.count()).select_from(InboxEntry).where(InboxEntry.state != "done")) == 0
        messages = Counter(db.session.scalars(select(Message.provider_sid).where(Message.direction == "inbound")))
        assert set(messages) == set(sent) and max(messages.values()) == 1
        # processing an unmatched text opens one alert naming it: two would mean processed twice
        alerts = Counter(db.session.scalars(select(Alert.detail).where(Alert.kind == "unmatched_message")))
        assert len(alerts) == len(sent) and max(alerts.values()) == 1
        db.session.remove()
        db.engine.dispose()
