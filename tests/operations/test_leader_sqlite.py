"""On SQLite (one node) every scheduler leads."""
from sqlalchemy import create_engine

from app.schedules.leader import Leader, only_when_leader


def test_sqlite_scheduler_always_leads():
    leader = Leader(create_engine("sqlite://"))
    assert leader.ensure() is True and leader.is_leader
    assert only_when_leader(lambda: "ran", leader)() == "ran"
