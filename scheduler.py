"""The one scheduler process: `python scheduler.py`. Never started inside web workers
(each gunicorn worker would run every job again).

It runs every job in the registry (app/common/jobs.py; each domain's jobs.py registers its
own with @job), each through `run_job`, which commits, logs and records the run. Jobs have
fixed ids, so a restart replaces rather than duplicates them; each job runs at most once at
a time and missed runs coalesce into one.
"""
import logging
import signal
import sys

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from app.common.jobs import registered, run_job


def build_scheduler(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 60})
    for entry in registered():
        scheduler.add_job(run_job, "interval", seconds=entry.every.total_seconds(), args=[app, entry.name],
                          id=entry.name, replace_existing=True)
    return scheduler


def main() -> None:
    app = create_app()
    scheduler = build_scheduler(app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=True))
    logging.getLogger(__name__).info("scheduler started: %s", [job.id for job in scheduler.get_jobs()])
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
