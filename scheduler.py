"""The scheduler process: `python scheduler.py` (`--version` prints the version). Never
started inside web workers (each gunicorn worker would run every job again). One may run on
every node: a PostgreSQL advisory lock elects the leader, the only one that runs jobs
(app/schedules/leader.py); another takes over within ELECTION_SECONDS when it dies.

It runs every job in the registry (app/common/jobs.py; each domain's jobs.py registers its
own with @job), each through `run_job`, which commits, logs and records the run. Jobs have
fixed ids, so a restart replaces rather than duplicates them; each job runs at most once at
a time and missed runs coalesce into one.
"""
import logging
import signal
import socket
import sys

from apscheduler.schedulers.blocking import BlockingScheduler

from app import __version__, create_app
from app.common.jobs import registered, run_job
from app.schedules.leader import ELECTION_SECONDS, Leader, only_when_leader


def build_scheduler(app, leader: Leader | None = None, scheduler_class=BlockingScheduler):
    """The scheduler with every registered job; with a `leader`, jobs run only while it leads
    and an election job keeps or takes the lead every ELECTION_SECONDS."""
    scheduler = scheduler_class(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 60})
    runner = run_job if leader is None else only_when_leader(run_job, leader)
    for entry in registered():
        scheduler.add_job(runner, "interval", seconds=entry.every.total_seconds(), args=[app, entry.name],
                          id=entry.name, replace_existing=True)
    if leader is not None:
        scheduler.add_job(leader.ensure, "interval", seconds=ELECTION_SECONDS, id="leader-election",
                          replace_existing=True)
    return scheduler


def main() -> None:
    if "--version" in sys.argv[1:]:
        print(f"HAIC-Track scheduler {__version__}")
        return
    app = create_app()
    with app.app_context():
        from app.extensions import db

        leader = Leader(db.engine, name=f"scheduler@{socket.gethostname()}")
        leader.ensure()
    scheduler = build_scheduler(app, leader)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    logging.getLogger(__name__).info("scheduler started (leader: %s): %s", leader.is_leader,
                                     [job.id for job in scheduler.get_jobs()])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        leader.release()
    sys.exit(0)


if __name__ == "__main__":
    main()
