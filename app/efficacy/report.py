"""The efficacy report from derived patient endpoints (pure part of /reports/efficacy)."""
from __future__ import annotations

from dataclasses import dataclass

from app.efficacy.derivation import PatientEndpoints
from app.efficacy.statistics import (
    RateEstimate, SurvivalSummary, median_follow_up, rate_with_ci, summarize_survival,
)


@dataclass(frozen=True)
class EfficacyReport:
    """ORR, liver response rate, KM summaries of OS/PFS/DOR/TTR and median follow-up."""

    orr: RateEstimate
    liver_response_rate: RateEstimate
    os: SurvivalSummary
    pfs: SurvivalSummary
    pfssens: SurvivalSummary  # sensitivity PFS: clinical progression without a PD scan is an event
    dor: SurvivalSummary
    ttr: SurvivalSummary
    follow_up: SurvivalSummary
    orr_all_treated: RateEstimate | None = None  # confirmed responders over every treated patient

    @property
    def median_follow_up_days(self) -> float | None:
        """Median follow-up (reverse Kaplan-Meier on OS), None when not reached."""
        return self.follow_up.median_days

    def as_dict(self) -> dict:
        """The API.md shape of GET /reports/efficacy (plus landmarks and methods)."""
        result = {name: getattr(self, name).as_dict()
                  for name in ("orr", "liver_response_rate", "os", "pfs", "pfssens", "dor", "ttr")}
        result["median_follow_up_days"] = self.median_follow_up_days
        if self.orr_all_treated is not None:
            result["orr_all_treated"] = self.orr_all_treated.as_dict()
        result["follow_up"] = self.follow_up.as_dict()
        return result


def efficacy_report(patients) -> EfficacyReport:
    """Aggregate the per-patient endpoints of all treated patients."""
    patients = list(patients)
    os_times, os_events = _times_events(p.os for p in patients)
    return EfficacyReport(
        orr=_rate(patients, "response_evaluable", "responder"),
        liver_response_rate=_rate(patients, "liver_evaluable", "liver_responder"),
        os=summarize_survival(os_times, os_events),
        pfs=summarize_survival(*_times_events(p.pfs for p in patients)),
        pfssens=summarize_survival(*_times_events((p.pfssens or p.pfs) for p in patients)),
        dor=summarize_survival(*_times_events(p.dor for p in patients if p.dor is not None)),
        ttr=summarize_survival(*_times_events(p.ttr for p in patients if p.ttr is not None), landmark_days={}),
        follow_up=median_follow_up(os_times, os_events),
        # PROTOCOL.md "Populations": an all-treated ORR is shown beside the evaluable one.
        orr_all_treated=rate_with_ci(sum(1 for p in patients if p.responder), len(patients)),
    )


def _rate(patients: list[PatientEndpoints], evaluable: str, responder: str) -> RateEstimate:
    included = [p for p in patients if getattr(p, evaluable)]
    return rate_with_ci(sum(1 for p in included if getattr(p, responder)), len(included))


def _times_events(outcomes) -> tuple[list[int], list[bool]]:
    outcomes = list(outcomes)
    return [o.time_days for o in outcomes], [o.event for o in outcomes]
