"""The scheduler process: `python scheduler.py` (`--version` prints the version). Never
started inside web workers (each gunicorn worker would run every job again). One may run on
every node: a PostgreSQL advisory lock elects the leader, the only one that runs jobs
(app/schedules/leader.py); another takes over within ELECTION_SECONDS when it dies.

Jobs have fixed ids, so a restart replaces rather than duplicates them; each job runs at
most once at a time and missed runs coalesce into one.
"""
import logging
import signal
import socket
import sys

from apscheduler.schedulers.blocking import BlockingScheduler

from app import __version__, create_app
from app.schedules import jobs
from app.schedules.leader import ELECTION_SECONDS, Leader, only_when_leader

OUTBOX_SWEEP_SECONDS = 30
REMINDER_PLANNING_MINUTES = 10
OVERDUE_VISITS_MINUTES = 60
CHECKIN_PLANNING_MINUTES = 15  # check-ins are queued up to an hour ahead
SAE_DEADLINE_MINUTES = 15  # a 24-hour reporting deadline, flagged within a quarter of an hour
ABANDONED_DIALOGUES_MINUTES = 30  # questions expire after 12 h


def build_scheduler(app, leader: Leader | None = None, scheduler_class=BlockingScheduler):
    """The scheduler with every job; with a `leader`, jobs run only while it leads and an
    election job keeps or takes the lead every ELECTION_SECONDS."""
    scheduler = scheduler_class(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 60})
    scheduler.add_job(_job(jobs.sweep_outbox, leader), "interval", seconds=OUTBOX_SWEEP_SECONDS, args=[app],
                      id="outbox-sweep", replace_existing=True)
    scheduler.add_job(_job(jobs.plan_reminders, leader), "interval", minutes=REMINDER_PLANNING_MINUTES, args=[app],
                      id="reminder-planning", replace_existing=True)
    scheduler.add_job(_job(jobs.flag_overdue_visits, leader), "interval", minutes=OVERDUE_VISITS_MINUTES, args=[app],
                      id="overdue-visits", replace_existing=True)
    scheduler.add_job(_job(jobs.plan_checkins, leader), "interval", minutes=CHECKIN_PLANNING_MINUTES, args=[app],
                      id="checkin-planning", replace_existing=True)
    scheduler.add_job(_job(jobs.check_sae_deadlines, leader), "interval", minutes=SAE_DEADLINE_MINUTES, args=[app],
                      id="sae-deadlines", replace_existing=True)
    scheduler.add_job(_job(jobs.close_abandoned_dialogues, leader), "interval", minutes=ABANDONED_DIALOGUES_MINUTES, args=[app],
                      id="abandoned-symptom-dialogues", replace_existing=True)
    if leader is not None:
        scheduler.add_job(leader.ensure, "interval", seconds=ELECTION_SECONDS, id="leader-election",
                          replace_existing=True)
    return scheduler


def _job(job, leader):
    return job if leader is None else only_when_leader(job, leader)


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
