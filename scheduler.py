"""The one scheduler process: `python scheduler.py`. Never started inside web workers
(each gunicorn worker would run every job again).

Jobs have fixed ids, so a restart replaces rather than duplicates them; each job runs at
most once at a time and missed runs coalesce into one.
"""
import logging
import signal
import sys

from apscheduler.schedulers.blocking import BlockingScheduler

from app import create_app
from app.schedules import jobs

OUTBOX_SWEEP_SECONDS = 30
REMINDER_PLANNING_MINUTES = 10
OVERDUE_VISITS_MINUTES = 60
CHECKIN_PLANNING_MINUTES = 15  # check-ins are queued up to an hour ahead
SAE_DEADLINE_MINUTES = 15  # a 24-hour reporting deadline, flagged within a quarter of an hour
ABANDONED_DIALOGUES_MINUTES = 30  # questions expire after 12 h
IDEMPOTENCY_PURGE_MINUTES = 60  # stored responses live IDEMPOTENCY_TTL_HOURS (24 h)


def build_scheduler(app) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                "misfire_grace_time": 60})
    scheduler.add_job(jobs.sweep_outbox, "interval", seconds=OUTBOX_SWEEP_SECONDS, args=[app],
                      id="outbox-sweep", replace_existing=True)
    scheduler.add_job(jobs.plan_reminders, "interval", minutes=REMINDER_PLANNING_MINUTES, args=[app],
                      id="reminder-planning", replace_existing=True)
    scheduler.add_job(jobs.flag_overdue_visits, "interval", minutes=OVERDUE_VISITS_MINUTES, args=[app],
                      id="overdue-visits", replace_existing=True)
    scheduler.add_job(jobs.plan_checkins, "interval", minutes=CHECKIN_PLANNING_MINUTES, args=[app],
                      id="checkin-planning", replace_existing=True)
    scheduler.add_job(jobs.check_sae_deadlines, "interval", minutes=SAE_DEADLINE_MINUTES, args=[app],
                      id="sae-deadlines", replace_existing=True)
    scheduler.add_job(jobs.close_abandoned_dialogues, "interval", minutes=ABANDONED_DIALOGUES_MINUTES, args=[app],
                      id="abandoned-symptom-dialogues", replace_existing=True)
    scheduler.add_job(jobs.purge_idempotency_records, "interval", minutes=IDEMPOTENCY_PURGE_MINUTES, args=[app],
                      id="idempotency-purge", replace_existing=True)
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
