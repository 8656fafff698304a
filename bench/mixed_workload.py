"""Benchmark: the tablet's mixed workload against gunicorn (issue 19), and the day view against
a bare Flask route answering the same JSON under the same gunicorn.

    .venv/bin/python bench/mixed_workload.py                      # both databases, 60 s each
    .venv/bin/python bench/mixed_workload.py --backend postgresql --seconds 120
    .venv/bin/python bench/mixed_workload.py --backend sqlite --seconds 10 --profile

Per database: a seeded trial (SITES sites x PATIENTS patients planned by the real engine, with
pre-cycle labs; bench/day_view.py's loader around today), then gunicorn with the repository's
gunicorn.conf.py (2 workers) serving wsgi:app, and CLIENTS concurrent clients for SECONDS:

    day view 35 %   GET /api/v1/visits?site=&from=&to=      (a day with about 56 visits)
    timeline 25 %   GET /api/v1/patients/{id}/visits       (about 91 visits each)
    reschedule 10 % POST /api/v1/visits/{id}/reschedule with If-Match (each client its own visit)
    symptom 15 %    POST /api/v1/patients/{id}/symptom-reports  (tablet entry)
    inbound 15 %    POST /sms/inbound                        (signed Twilio webhook)

Then the day view alone, the day view alone with its response cache off
(VISIT_VIEW_CACHE_ENTRIES=0: every request builds the page), and the bare-Flask reference
(bench/support/bare_flask.py, the recorded day-view body) for REFERENCE seconds each, same
clients: the ratios hold across machines.
SQL statements per request kind are counted in-process (Flask test client and a SQLAlchemy
event listener, same requests, warm caches), since gunicorn's workers are other processes.

Inbound texts are only stored by the webhook; INBOX_PROCESSING=job by default (the scheduler
processes them, and it is not running here); `--inbox background` processes them in the web
workers as the default configuration does. PostgreSQL uses its own database `bench_mixed`
(dropped and created here), never `test`. Prints a markdown table ready for the README.
"""
import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import day_view as seed  # noqa: E402  (bench/day_view.py: the loader of sites, patients, visits, labs)
from sqlalchemy import create_engine, event, func, select, text  # noqa: E402

MIX = (("day view", 35), ("timeline", 25), ("reschedule", 10), ("symptom report", 15), ("inbound SMS", 15))
KINDS = tuple(kind for kind, _ in MIX)
TWILIO_TOKEN = "bench-twilio-auth-token"
SECRET_KEY = "bench-secret-key-of-at-least-32-characters"
TARGET_DAY_VISITS = 56
FIRST_ERRORS = {}  # status -> the first such answer (printed with the results)
SMS_TEXTS = ("拉肚子3次", "今天有点恶心", "2", "好的", "felt tired today", "发烧38度")
SYMPTOM_ITEMS = ([{"ctcae_term": "Fatigue", "patient_grade": 1}],
                 [{"ctcae_term": "Nausea", "frequency": 1, "severity": 1}],
                 [{"ctcae_term": "diarrhoea", "value": 3, "unit": "stools/day"},
                  {"ctcae_term": "Fatigue", "patient_grade": 0}])


def main():
    args = _arguments()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = []
    for backend in backends:
        results.append(run_backend(backend, args))
    print()
    print(markdown(results, args))


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-server", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--seconds", type=float, default=60, help="mixed workload duration per database")
    parser.add_argument("--reference-seconds", type=float, default=8,
                        help="day view alone, and bare Flask, each")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sites", type=int, default=2)
    parser.add_argument("--patients", type=int, default=1400, help="in all, spread over the sites")
    parser.add_argument("--inbox", choices=("job", "background"), default="job")
    parser.add_argument("--profile", action="store_true",
                        help="also profile each kind in-process (cProfile) and print the top functions")
    return parser.parse_args()


# --- one database --------------------------------------------------------------------------

def run_backend(backend, args):
    seed.TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the app runs on the system clock
    seed.NOW = datetime.now(timezone.utc)
    url = _database(backend, args.pg_server)
    env = _environment(url, args)
    os.environ.update(env)
    app = _app()
    workdir = Path(tempfile.mkdtemp(prefix="haic-mixed-"))
    try:
        with app.app_context():
            started = time.perf_counter()
            seed._migrate()
            visits, results = seed._load(args.sites, args.patients)
            seed._analyze()
            plan = Plan.build(args.clients)
            print(f"[{backend}] setup: {args.patients} patients at {args.sites} sites, {visits} visits, "
                  f"{results} lab results in {time.perf_counter() - started:.1f} s; day view of "
                  f"{plan.day_sizes} visits")
            sql = count_statements(app, plan)
            if args.profile:
                profile(app, plan)
            body = workdir / "day.json"
            body.write_bytes(plan.day_view_body(app))
        result = {"backend": backend, "sql": sql, "load_before": os.getloadavg()[0]}
        with gunicorn(["wsgi:app"], env, args.workers, workdir / "app.log") as port:
            result["mixed"] = drive(port, plan, args.seconds, args.clients, MIX)
            result["day_alone"] = drive(port, plan, args.reference_seconds, args.clients, (("day view", 1),))
        # The same without the response cache: what building the page costs.
        with gunicorn(["wsgi:app"], {**env, "VISIT_VIEW_CACHE_ENTRIES": "0"}, args.workers, workdir / "built.log") as port:
            result["day_built"] = drive(port, plan, args.reference_seconds, args.clients, (("day view", 1),))
        bare_env = {**env, "BARE_FLASK_BODY": str(body)}
        with gunicorn(["--pythonpath", str(ROOT / "bench" / "support"), "bare_flask:app"], bare_env,
                      args.workers, workdir / "bare.log") as port:
            result["bare"] = drive(port, plan, args.reference_seconds, args.clients, (("day view", 1),))
        result["load_after"] = os.getloadavg()[0]
        report(result)
        return result
    finally:
        _drop(app, backend, url, args.pg_server)
        shutil.rmtree(workdir, ignore_errors=True)


def _database(backend, pg_server) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='haic-mixed-db-')}/bench.sqlite3"
    server = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_mixed WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE bench_mixed"))
    server.dispose()
    return pg_server.rsplit("/", 1)[0] + "/bench_mixed"


def _drop(app, backend, url, pg_server):
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if backend == "sqlite":
        shutil.rmtree(Path(url.removeprefix("sqlite:///")).parent, ignore_errors=True)
        return
    server = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS bench_mixed WITH (FORCE)"))
    server.dispose()


def _environment(url, args) -> dict:
    """What the in-process app and gunicorn's workers both read (config.py)."""
    port = _free_port()
    return {"APP_ENV": "development", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
            "TWILIO_AUTH_TOKEN": TWILIO_TOKEN, "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
            "GUNICORN_BIND": f"127.0.0.1:{port}", "INBOX_PROCESSING": args.inbox,
            "ENROLLMENT_TARGET": "1000000", "SMS_BACKEND": "console"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app():
    from app.factory import build_app
    from config import config_for

    return build_app(config_for("development"))  # the system clock, as under gunicorn


# --- the seeded trial and each client's requests ---------------------------------------------

class Plan:
    """Who asks for what: tokens, the day with ~56 visits per site, patients, phones, and one
    visit per client to move back and forth with If-Match (its version tracked from answers)."""

    def __init__(self, clients, days, patients, phones, moves):
        self.clients, self.days, self.patients, self.phones, self.moves = clients, days, patients, phones, moves
        self.day_sizes = sorted(size for _, size in days.values())
        self.sms_serial = 0

    @classmethod
    def build(cls, count):
        from app.auth.services import issue_token
        from app.extensions import db
        from app.models import Patient, Site, User

        now = datetime.now(timezone.utc)
        sites = list(db.session.scalars(select(Site).order_by(Site.id)))
        days = {site.id: _busiest_day(site) for site in sites}
        patients = {site.id: list(db.session.scalars(select(Patient.id).where(Patient.site_id == site.id)))
                    for site in sites}
        phones = {site.id: list(db.session.scalars(select(Patient.phone).where(Patient.site_id == site.id)))
                  for site in sites}
        clients = []
        for number in range(count):
            site = sites[number % len(sites)]
            nurse = db.session.scalar(select(User).where(User.username == f"nurse-{site.code}"))
            raw, _ = issue_token(nurse, now)
            clients.append({"token": raw, "site_id": site.id, "site": site.code, "number": number})
        db.session.commit()
        moves = _movable_visits(clients)
        return cls(clients, days, patients, phones, moves)

    def request(self, client, kind, rng):
        """(method, path, headers, body bytes) of one request of `kind` by `client`."""
        auth = {"Authorization": f"Bearer {client['token']}"}
        site_id = client["site_id"]
        if kind == "day view":
            day = self.days[site_id][0].isoformat()
            return "GET", f"/api/v1/visits?{urlencode({'site': client['site'], 'from': day, 'to': day})}", auth, b""
        if kind == "timeline":
            return "GET", f"/api/v1/patients/{rng.choice(self.patients[site_id])}/visits", auth, b""
        if kind == "reschedule":
            move = self.moves[client["number"]]
            body = {"date": (move["date"] + timedelta(days=1)).isoformat(), "reason": "patient asked (bench)"}
            return ("POST", f"/api/v1/visits/{move['id']}/reschedule",
                    {**auth, "If-Match": f'"{move["version"]}"', "Content-Type": "application/json"},
                    json.dumps(body).encode())
        if kind == "symptom report":
            body = {"text": "clinic tablet", "items": rng.choice(SYMPTOM_ITEMS)}
            return ("POST", f"/api/v1/patients/{rng.choice(self.patients[site_id])}/symptom-reports",
                    {**auth, "Content-Type": "application/json"}, json.dumps(body).encode())
        return self._inbound(client, rng)

    def _inbound(self, client, rng):
        from tests.notifications.fake_twilio import sign_webhook

        self.sms_serial += 1
        params = {"MessageSid": f"SM{client['number']:04d}{self.sms_serial:028d}", "AccountSid": "AC" + "0" * 32,
                  "From": rng.choice(self.phones[client["site_id"]]), "To": "+861000000000",
                  "Body": rng.choice(SMS_TEXTS), "NumSegments": "1"}
        signed = sign_webhook(TWILIO_TOKEN, os.environ["PUBLIC_BASE_URL"] + "/sms/inbound", params)
        return ("POST", "/sms/inbound", {**signed.headers, "Content-Type": "application/x-www-form-urlencoded"},
                urlencode(params).encode())

    def answered(self, client, kind, status, etag):
        """Keep the moved visit's version (its ETag) for the next If-Match."""
        if kind == "reschedule" and status == 200 and etag:
            move = self.moves[client["number"]]
            move["version"], move["date"] = int(etag.strip('W/"')), move["date"] + timedelta(days=1)

    def day_view_body(self, app) -> bytes:
        client = self.clients[0]
        method, path, headers, _ = self.request(client, "day view", random.Random(0))
        response = app.test_client().get(path, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_data()


def _busiest_day(site):
    """The day within three weeks of today whose count of visits is closest to 56."""
    from app.extensions import db
    from app.models import Visit

    today = datetime.now(ZoneInfo(site.timezone)).date()
    rows = db.session.execute(
        select(Visit.scheduled_date, func.count()).where(
            Visit.site_id == site.id, Visit.status != "cancelled",
            Visit.scheduled_date.between(today - timedelta(days=21), today + timedelta(days=21)))
        .group_by(Visit.scheduled_date)).all()
    day, size = min(rows, key=lambda row: (abs(row[1] - TARGET_DAY_VISITS), abs((row[0] - today).days)))
    return day, size


def _movable_visits(clients):
    """Each client its own patient's future labs or imaging visit: it moves a day later each
    time (a moved visit's window moves with it), and drags nothing with it."""
    from app.extensions import db
    from app.models import Visit

    moves, used = [], set()
    for client in clients:
        today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
        candidates = db.session.scalars(
            select(Visit).where(Visit.site_id == client["site_id"], Visit.status == "scheduled",
                                Visit.kind.in_(("labs", "imaging")),
                                Visit.scheduled_date > today + timedelta(days=14))
            .order_by(Visit.id).limit(len(clients) * 4))
        visit = next(v for v in candidates if v.patient_id not in used)
        used.add(visit.patient_id)
        first = max(visit.scheduled_date, visit.window_start)  # some were booked before their window
        moves.append({"id": visit.id, "version": visit.version, "date": first})
    return moves


# --- in-process: SQL statements per kind, and profiles -----------------------------------

def count_statements(app, plan, repeat=20) -> dict:
    """kind -> Counter(statements per request) over `repeat` warm requests through the test client."""
    from app.extensions import db

    rng, counts, current = random.Random(7), defaultdict(Counter), [0]

    def count(*_):
        current[0] += 1

    client = app.test_client()
    app.config["INBOX_PROCESSING"] = "job"  # count the requests' statements, not an inbox worker's
    for kind in KINDS:
        _in_process(client, plan, kind, rng)  # warm: caches, first use of a token
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for kind in KINDS:
            for _ in range(repeat):
                current[0] = 0
                _in_process(client, plan, kind, rng)
                counts[kind][current[0]] += 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return counts


def _in_process(client, plan, kind, rng, who=0):
    method, path, headers, body = plan.request(plan.clients[who], kind, rng)
    response = client.open(path, method=method, headers=headers, data=body)
    assert response.status_code < 300, (kind, response.status_code, response.get_data(as_text=True)[:300])
    plan.answered(plan.clients[who], kind, response.status_code, response.headers.get("ETag"))


def profile(app, plan, repeat=200):
    """Each kind `repeat` times in-process under cProfile: the top functions by cumulative time."""
    client, rng = app.test_client(), random.Random(11)
    for kind in KINDS:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(repeat):
            _in_process(client, plan, kind, rng, who=1)
        profiler.disable()
        elapsed = (time.perf_counter() - started) / repeat * 1000
        print(f"--- profile: {kind}, {elapsed:.2f} ms per request in-process (with the profiler)")
        for order, restriction in (("cumulative", str(ROOT / "app")), ("tottime", 18)):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(restriction, 25)
            print("\n".join(line[:190] for line in out.getvalue().splitlines()[6:] if line.strip()))


# --- gunicorn and the load ---------------------------------------------------------------

class gunicorn:
    """Start gunicorn (the repository's gunicorn.conf.py, `workers` workers) and wait for /health."""

    def __init__(self, target, env, workers, log):
        self.target, self.env, self.workers, self.log = target, env, workers, log

    def __enter__(self):
        port = int(self.env["GUNICORN_BIND"].rsplit(":", 1)[1])
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                   "--workers", str(self.workers), *self.target]
        self.output = open(self.log, "wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **self.env},
                                        stdout=subprocess.DEVNULL, stderr=self.output)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    return port
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start: {Path(self.log).read_text()[-2000:]}")

    def __exit__(self, *_):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.output.close()


def drive(port, plan, seconds, clients, mix):
    """`clients` concurrent clients for `seconds`, kinds drawn with `mix`'s weights.
    Returns {"elapsed", "samples": kind -> [ms], "errors": kind -> Counter(status)}."""
    return asyncio.run(_drive(port, plan, seconds, clients, mix))


async def _drive(port, plan, seconds, count, mix):
    kinds, weights = zip(*mix)
    samples, errors = defaultdict(list), defaultdict(Counter)
    deadline = time.monotonic() + seconds

    async def client(number):
        rng = random.Random(number)
        me = plan.clients[number % len(plan.clients)]
        while time.monotonic() < deadline:
            kind = rng.choices(kinds, weights)[0]
            method, path, headers, body = plan.request(me, kind, rng)
            started = time.perf_counter()
            try:
                status, etag = await _http(port, method, path, headers, body)
            except OSError as exc:
                errors[kind][type(exc).__name__] += 1
                continue
            samples[kind].append((time.perf_counter() - started) * 1000)
            plan.answered(me, kind, status, etag)
            if status >= 400:
                errors[kind][status] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(count)))
    return {"elapsed": time.perf_counter() - started, "samples": samples, "errors": errors}


async def _http(port, method, path, headers, body):
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close it): (status, ETag)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close",
                 f"Content-Length: {len(body)}", *(f"{k}: {v}" for k, v in headers.items())]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        answer = await reader.read()
    finally:
        writer.close()
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    if not head[0].startswith("HTTP/"):
        raise ConnectionError("no HTTP answer")
    etag = next((line.split(":", 1)[1].strip() for line in head[1:] if line.lower().startswith("etag:")), None)
    status = int(head[0].split()[1])
    if status >= 400 and status not in FIRST_ERRORS:
        FIRST_ERRORS[status] = f"{method} {path}: {answer.split(b'{', 1)[-1][:300].decode(errors='replace')}"
    return status, etag


# --- results -------------------------------------------------------------------------------

def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return (float("nan"),) * 3
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return pick(0.50), pick(0.95), pick(0.99)


def _rate(run):
    return sum(len(v) for v in run["samples"].values()) / run["elapsed"]


def _error_count(run):
    return sum(sum(c.values()) for c in run["errors"].values())


def _sql(counter):
    return "/".join(str(n) for n in sorted(counter)) if counter else "–"


def report(result):
    mixed, name = result["mixed"], result["backend"]
    everything = [ms for values in mixed["samples"].values() for ms in values]
    p50, p95, p99 = percentiles(everything)
    print(f"[{name}] mixed: {_rate(mixed):.1f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, "
          f"errors {_error_count(mixed)} {dict(mixed['errors']) if _error_count(mixed) else ''}")
    for kind in KINDS:
        values = mixed["samples"].get(kind, [])
        k50, k95, k99 = percentiles(values)
        print(f"[{name}]   {kind:<15} {len(values) / mixed['elapsed']:6.1f} req/s  p50 {k50:6.0f}  p95 {k95:6.0f}  "
              f"p99 {k99:6.0f} ms  errors {sum(mixed['errors'][kind].values())}  SQL/request {dict(result['sql'][kind])}")
    day, built, bare = _rate(result["day_alone"]), _rate(result["day_built"]), _rate(result["bare"])
    print(f"[{name}] day view alone {day:.0f} req/s, bare Flask same JSON {bare:.0f} req/s: ratio {day / bare:.2f} "
          f"(without the view cache {built:.0f} req/s, {built / bare:.2f}; errors {_error_count(result['day_alone'])}"
          f" / {_error_count(result['day_built'])} / {_error_count(result['bare'])}); "
          f"load {result['load_before']:.1f} -> {result['load_after']:.1f} on {os.cpu_count()} CPUs")
    for status, answer in FIRST_ERRORS.items():
        print(f"[{name}] first {status}: {answer}")
    FIRST_ERRORS.clear()


def markdown(results, args) -> str:
    lines = [f"Mixed workload: {args.clients} clients, {args.seconds:.0f} s, gunicorn {args.workers} sync workers, "
             f"inbox {args.inbox}; day view alone (view cache on, then off) and bare Flask "
             f"{args.reference_seconds:.0f} s each.", "",
             "| backend | kind | req/s | p50 / p95 / p99 ms | errors | SQL per request |", "|---|---|---|---|---|---|"]
    for result in results:
        mixed = result["mixed"]
        everything = [ms for values in mixed["samples"].values() for ms in values]
        lines.append(f"| {result['backend']} | **all** (load {result['load_before']:.1f}–{result['load_after']:.1f}) | "
                     f"**{_rate(mixed):.1f}** | {'/'.join(f'{p:.0f}' for p in percentiles(everything))} | "
                     f"{_error_count(mixed)} | |")
        for kind in KINDS:
            values = mixed["samples"].get(kind, [])
            lines.append(f"| | {kind} | {len(values) / mixed['elapsed']:.1f} | "
                         f"{'/'.join(f'{p:.0f}' for p in percentiles(values))} | "
                         f"{sum(mixed['errors'][kind].values())} | {_sql(result['sql'][kind])} |")
    lines += ["", "| backend | day view alone | bare Flask, same JSON | ratio | without the view cache |",
              "|---|---|---|---|---|"]
    for result in results:
        day, built, bare = _rate(result["day_alone"]), _rate(result["day_built"]), _rate(result["bare"])
        lines.append(f"| {result['backend']} | {day:.0f} req/s | {bare:.0f} req/s | **{day / bare:.2f}×** | "
                     f"{built:.0f} req/s, {built / bare:.2f}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
