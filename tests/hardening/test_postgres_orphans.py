"""Issue 16, item 11: a dispatcher that died is recognised by its released advisory lock, and
its "sending" rows are requeued at once instead of after the lease; a live one's are not."""
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import text

from app.notifications.templates import RenderedSms

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")]


def test_rows_of_a_dead_dispatcher_are_requeued_before_the_lease(app, clock):
    from app.extensions import db
    from app.models import Message
    from app.notifications import outbox

    for i in range(2):
        outbox.enqueue(to_number="+8613800000001", sms=RenderedSms(f"m{i}", None), purpose="system", now=clock.now())
    db.session.commit()
    alive_owner, dead_owner = 1234567, 7654321
    holder = db.engine.connect()  # a live dispatcher's lock, on its own session
    holder.execute(text("SELECT pg_advisory_lock(:ns, :o)"), {"ns": outbox.OWNER_LOCK_NAMESPACE, "o": alive_owner})
    holder.commit()
    try:
        [live] = outbox.claim_due(clock.now(), 1, outbox.new_claim_token(alive_owner))
        [dead] = outbox.claim_due(clock.now(), 1, outbox.new_claim_token(dead_owner))
        db.session.commit()
        assert outbox.recover_expired_leases(clock.now() + timedelta(seconds=1)) == 0  # leases still run
        assert outbox.recover_orphans(clock.now()) == 1
        db.session.commit()
        assert db.session.get(Message, dead).status == "queued"
        assert db.session.get(Message, live).status == "sending"
        holder.invalidate()  # the live dispatcher dies: its session and lock end
        assert _recovered_once_its_backend_has_gone(outbox, clock.now()) == 1
    finally:
        holder.close()


def _recovered_once_its_backend_has_gone(outbox, now, bound_s=10.0):
    """The server drops a closed session's advisory lock when its backend exits, a moment after
    the client hangs up (seen late on a loaded CI machine): ask until it has, within a generous bound."""
    deadline = time.monotonic() + bound_s
    while True:
        recovered = outbox.recover_orphans(now)
        if recovered or time.monotonic() > deadline:
            return recovered
        time.sleep(0.05)
