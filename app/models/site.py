from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import TimestampMixin, VersionedMixin

NEUTRAL_SMS_NAMES = {"en": "Study Clinic", "zh": "研究门诊"}


class Site(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    timezone: Mapped[str] = mapped_column(String(64), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(32))
    # Enrollment bookkeeping: updated with a conditional UPDATE so the target holds
    # under concurrency on SQLite and PostgreSQL alike.
    enrolled_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_study_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    haic_daily_capacity: Mapped[int] = mapped_column(Integer, nullable=False, default=4)
    quiet_start: Mapped[str] = mapped_column(String(5), nullable=False, default="21:00")
    quiet_end: Mapped[str] = mapped_column(String(5), nullable=False, default="08:00")
    # The name patients see in SMS: a hospital's full name ("... Cancer Hospital") would
    # disclose the diagnosis on a lock screen, so texts never use `name`.
    sms_name: Mapped[str | None] = mapped_column(String(40))
    # How symptom check-ins reach patients: "sms" questions or a "form" link (a patient may override).
    checkin_channel: Mapped[str] = mapped_column(String(8), nullable=False, default="sms", server_default="sms")

    def sms_label(self, language: str) -> str:
        return self.sms_name or NEUTRAL_SMS_NAMES.get(language, NEUTRAL_SMS_NAMES["en"])
