"""RECIST 1.1 for HAIC-Track: the one module other code imports.

The rules live in three small modules, re-exported here:
- ``lesions``: Lesion/Assessment dataclasses, baseline measurability, sums;
- ``timepoint``: target / non-target / overall response at one scan (Tables 1 and 2);
- ``best_response``: the series, nadir tracking, confirmation and Table 3.
"""
from app.assessments.best_response import (
    CONFIRM_DAYS,
    MIN_SD_DAYS,
    BestResponse,
    SeriesEvaluation,
    best_overall_response,
    evaluate_series,
    split_baseline,
)
from app.assessments.lesions import (
    Assessment,
    Lesion,
    liver_lesions,
    percent_change,
    sum_of_diameters,
    validate_baseline,
)
from app.assessments.timepoint import (
    CR,
    NE,
    NON_CR_NON_PD,
    PD,
    PR,
    SD,
    TimepointResult,
    non_target_response,
    overall_response,
    target_response,
    timepoint_response,
)

__all__ = [
    "CONFIRM_DAYS", "MIN_SD_DAYS", "BestResponse", "SeriesEvaluation", "best_overall_response",
    "evaluate_series", "split_baseline", "Assessment", "Lesion", "liver_lesions", "percent_change",
    "sum_of_diameters", "validate_baseline", "CR", "NE", "NON_CR_NON_PD", "PD", "PR", "SD",
    "TimepointResult", "non_target_response", "overall_response", "target_response",
    "timepoint_response",
]
