"""Efficacy report aggregation: who is evaluable, who responded, which times enter KM."""
from datetime import date

import pytest

from app.efficacy.derivation import PatientEndpoints, TimeToEvent
from app.efficacy.report import efficacy_report

D = date(2024, 1, 1)


def tte(days, event):
    return TimeToEvent(days, event, D, "test")


def endpoints(pid, os_days, dead, responder=False, evaluable=True, liver=False, liver_responder=False):
    return PatientEndpoints(
        patient_id=pid, os=tte(os_days, dead), pfs=tte(os_days // 2, dead),
        dor=tte(30, False) if responder else None, ttr=tte(43, True) if responder else None,
        best_overall_response="PR" if responder else "SD", confirmed=responder,
        response_evaluable=evaluable, responder=responder, liver_best_response="PR" if liver_responder else None,
        liver_evaluable=liver, liver_responder=liver_responder,
    )


def test_report_counts_and_shapes():
    patients = [
        endpoints("A", 100, True, responder=True, liver=True, liver_responder=True),
        endpoints("B", 200, False, liver=True),
        endpoints("C", 300, True),
        endpoints("D", 400, False, evaluable=False),
    ]
    report = efficacy_report(patients).as_dict()
    assert report["orr"]["responders"] == 1 and report["orr"]["n_evaluable"] == 3
    assert report["orr"]["rate"] == pytest.approx(1 / 3)
    assert (report["liver_response_rate"]["responders"], report["liver_response_rate"]["n_evaluable"]) == (1, 2)
    assert (report["os"]["n"], report["os"]["events"]) == (4, 2)
    assert (report["dor"]["n"], report["ttr"]["n"]) == (1, 1)
    # reverse KM: censorings at 200 and 400 are the "events"; deaths at 100, 300 censor
    assert report["median_follow_up_days"] == 400
    for key in ("median_days", "ci_lower_days", "ci_upper_days", "method"):
        assert key in report["pfs"]


def test_report_with_no_patients():
    report = efficacy_report([]).as_dict()
    assert report["orr"]["rate"] is None and report["os"]["n"] == 0
    assert report["median_follow_up_days"] is None
