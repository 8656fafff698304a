"""OS, PFS, DOR, TTR derivation at a cutoff; time = date - C1D1 + 1 (C1D1 is day 1)."""
from datetime import date, timedelta

import pytest

from app.assessments.recist import Assessment, Lesion
from app.efficacy.derivation import (
    PatientEndpointData, day_number, derive_os, derive_patient_endpoints, derive_pfs, last_known_alive,
)

C1D1 = date(2024, 1, 1)


def day(n):
    """The date of study day n (C1D1 = day 1)."""
    return C1D1 + timedelta(days=n - 1)


def scan(n, liver_mm, new=False, nodal_mm=None):
    lesions = [Lesion("L1", "liver", False, liver_mm)]
    if nodal_mm is not None:
        lesions.append(Lesion("N1", "node", True, nodal_mm))
    return Assessment(day(n), tuple(lesions), "none", new)


BASELINE = scan(-6, 50)


def patient(assessments=(BASELINE,), death=None, contacts=(), cutoff=day(700), **kw):
    return PatientEndpointData("P1", C1D1, cutoff, tuple(assessments), death, tuple(contacts), **kw)


@pytest.mark.parametrize("when, expected", [(day(1), 1), (day(2), 2), (date(2024, 12, 31), 366)])
def test_day_number_counts_c1d1_as_day_1(when, expected):
    assert day_number(C1D1, when) == expected


@pytest.mark.parametrize("data, time, event, reason", [
    (patient(death=day(200)), 200, True, "death"),
    (patient(death=day(1)), 1, True, "death"),
    (patient(death=day(800), contacts=[day(650), day(690)]), 690, False, "alive at last contact"),  # after cutoff
    (patient(contacts=[day(300), day(710)]), 300, False, "alive at last contact"),  # contact after cutoff ignored
    (patient(assessments=[BASELINE, scan(43, 40), scan(400, 40)]), 400, False, "alive at last contact"),
    (patient(assessments=[]), 1, False, "alive at last contact"),
])
def test_overall_survival(data, time, event, reason):
    result = derive_os(data)
    assert (result.time_days, result.event, result.reason) == (time, event, reason)


def test_last_known_alive_is_the_latest_contact_before_cutoff():
    assert last_known_alive(patient(contacts=[day(20), day(90)], cutoff=day(60))) == day(20)


# Protocol schedule: scans due on days 43, 85, 127, 169 (offsets 42, 84, ... from C1D1).
@pytest.mark.parametrize("assessments, death, time, event, reason", [
    ([BASELINE, scan(43, 40), scan(85, 60)], None, 85, True, "progression"),       # dated to the PD scan
    ([BASELINE, scan(43, 40), scan(85, 40, new=True)], None, 85, True, "progression"),
    ([BASELINE, scan(43, 40), scan(85, 40)], None, 85, False, "no progression or death"),
    ([BASELINE, scan(43, 40)], day(100), 100, True, "death"),                         # one missed scan
    ([BASELINE, scan(43, 40), scan(85, 40)], day(150), 150, True, "death"),
    ([BASELINE, scan(43, 40)], day(140), 43, False, "death after 2 missed assessments"),
    ([BASELINE, scan(43, 40), scan(180, 70)], None, 43, False, "progression after 3 missed assessments"),
    ([BASELINE, scan(43, 40), scan(85, 60)], day(90), 85, True, "progression"),     # PD first
    ([BASELINE, scan(40, 40)], day(60), 60, True, "death"),
    ([BASELINE], None, 1, False, "no progression or death"),                         # nothing after baseline
    ([BASELINE], day(30), 30, True, "death"),
    ([BASELINE], day(120), 1, False, "death after 2 missed assessments"),
    ([scan(43, 40)], day(60), 1, False, "no baseline assessment"),
])
def test_progression_free_survival(assessments, death, time, event, reason):
    result = derive_pfs(patient(assessments, death))
    assert (result.time_days, result.event, result.reason) == (time, event, reason)


def test_pfs_ne_scan_is_not_an_adequate_assessment():
    baseline = scan(-6, 50, nodal_mm=20)
    data = patient([baseline, scan(43, 40, nodal_mm=20), scan(85, None, nodal_mm=20)])
    assert derive_pfs(data).time_days == 43


def test_pfs_ignores_scans_and_death_after_cutoff():
    data = patient([BASELINE, scan(43, 40), scan(85, 80)], death=day(90), cutoff=day(80))
    result = derive_pfs(data)
    assert (result.time_days, result.event) == (43, False)


def test_pfs_with_a_regular_imaging_interval():
    data = patient([BASELINE, scan(57, 40)], day(150), imaging_interval_days=56)
    # due on days 57 and 113: 113's window closed on day 120 -> only one miss
    assert derive_pfs(data).event is True
    data = patient([BASELINE, scan(57, 40)], day(200), imaging_interval_days=56)
    assert derive_pfs(data).event is False


def test_pfs_with_explicit_scheduled_dates():
    data = patient([BASELINE, scan(43, 40)], day(100), scheduled_imaging_dates=(day(60), day(80)))
    assert derive_pfs(data).reason == "death after 2 missed assessments"


def test_responder_gets_ttr_and_dor():
    scans = [BASELINE, scan(43, 30), scan(85, 30), scan(127, 20), scan(169, 30)]
    endpoints = derive_patient_endpoints(patient(scans))
    assert (endpoints.best_overall_response, endpoints.confirmed, endpoints.responder) == ("PR", True, True)
    assert (endpoints.ttr.time_days, endpoints.ttr.event) == (43, True)
    # PD at day 169 (20 -> 30 mm: +50 %, +10 mm); DOR from day 43 to 169 inclusive
    assert (endpoints.dor.time_days, endpoints.dor.event) == (169 - 43 + 1, True)
    assert (endpoints.pfs.time_days, endpoints.pfs.event) == (169, True)
    assert endpoints.liver_responder and endpoints.liver_evaluable and endpoints.response_evaluable


def test_censored_responder_dor():
    scans = [BASELINE, scan(43, 30), scan(85, 30)]
    endpoints = derive_patient_endpoints(patient(scans, cutoff=day(100)))
    assert (endpoints.dor.time_days, endpoints.dor.event, endpoints.dor.date) == (43, False, day(85))


def test_non_responder_has_no_ttr_or_dor():
    endpoints = derive_patient_endpoints(patient([BASELINE, scan(43, 45), scan(85, 45)]))
    assert (endpoints.best_overall_response, endpoints.ttr, endpoints.dor) == ("SD", None, None)
    assert not endpoints.responder


def test_unconfirmed_response_at_cutoff_is_not_a_responder():
    endpoints = derive_patient_endpoints(patient([BASELINE, scan(43, 30), scan(85, 30)], cutoff=day(60)))
    assert (endpoints.best_overall_response, endpoints.responder, endpoints.ttr) == ("SD", False, None)


def test_death_on_the_response_day_never_gives_negative_dor():
    scans = [BASELINE, scan(43, 30), scan(85, 30)]
    endpoints = derive_patient_endpoints(patient(scans, death=day(85)))
    assert endpoints.dor.time_days >= 1 and endpoints.dor.event
