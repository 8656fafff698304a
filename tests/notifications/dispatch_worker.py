"""One dispatcher process for the concurrency test and the benchmark (killed at will).

    python -m tests.notifications.dispatch_worker DATABASE_URL TWILIO_BASE_URL [--lease 3] [--threads 4]

Sweeps until no outbound row is queued or sending, then exits 0. Real time, real twilio
client, a short lease so killed workers' rows come back quickly (the HTTP timeout stays
well under the lease, as in production: 10 s against 5 min).
"""
import argparse
import json
import sys
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select


def main(argv=None):
    args = _parse(argv)
    from app.extensions import db
    from app.factory import build_app
    from app.models import Message
    from app.notifications.dispatcher import Dispatcher
    from app.notifications.retry import RetryPolicy
    from app.notifications.gateways.twilio import TwilioGateway
    from config import TestingConfig
    from tests.notifications.fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, DEFAULT_FROM_NUMBER

    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = args.database_url
    config.LOG_LEVEL = "WARNING"
    app = build_app(config)
    gateway = TwilioGateway(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, from_number=DEFAULT_FROM_NUMBER,
                            api_base_url=args.twilio_url, timeout=args.timeout or args.lease / 3)
    policy = RetryPolicy(base_delay=timedelta(milliseconds=200), sending_lease=timedelta(seconds=args.lease))
    with app.app_context():
        dispatcher = Dispatcher(gateway, batch_size=args.batch, max_workers=args.threads, policy=policy,
                                status_callback_base=None)
        totals = Counter()
        while True:
            totals.update(dispatcher.sweep().as_dict())
            left = db.session.scalar(select(func.count()).select_from(Message).where(
                Message.direction == "outbound", Message.status.in_(("queued", "sending"))))
            db.session.commit()
            if not left:
                break
            time.sleep(0.1)
        dispatcher.close()
    gateway.close()
    print(json.dumps(totals), file=sys.stderr)


def _parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("twilio_url")
    parser.add_argument("--lease", type=float, default=3.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--batch", type=int, default=25)
    parser.add_argument("--timeout", type=float, default=None, help="HTTP timeout (default: lease / 3)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    main()
