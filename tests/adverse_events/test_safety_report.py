"""The safety table against a 20-patient fixture whose expected numbers were counted by hand."""
from datetime import date

from app.adverse_events.csv_export import safety_csv
from app.adverse_events.flags import GradeEntry
from app.adverse_events.safety_report import EventFacts, safety_table

D = date.fromisoformat
CUTOFF = D("2026-06-30")
GI, GEN, INV = "Gastrointestinal disorders", "General disorders and administration site conditions", "Investigations"
RESP, ENDO = "Respiratory, thoracic and mediastinal disorders", "Endocrine disorders"
UNRELATED = {"haic": "unrelated", "sintilimab": "unrelated", "procedure": "unrelated"}
HAIC = UNRELATED | {"haic": "possible"}
SINTI = UNRELATED | {"sintilimab": "probable"}
PROC = UNRELATED | {"procedure": "definite"}

# P1..P18 dosed on 2026-03-02 (P17 on 03-16); P19 never dosed; P20 first dosed after the cutoff.
FIRST_DOSES = {p: D("2026-03-02") for p in range(1, 19)} | {17: D("2026-03-16"), 19: None, 20: D("2026-07-10")}


def ae(patient, term, soc, onset, *grades, attribution=UNRELATED, serious=False, ir=False, aesi=False):
    history = tuple(GradeEntry(D(day), grade) for day, grade in grades) or (GradeEntry(D(onset), 1),)
    return EventFacts(patient, term, soc, D(onset), history, serious, ir, aesi, attribution)


EVENTS = [
    ae(1, "Nausea", GI, "2026-03-05", ("2026-03-05", 1), attribution=HAIC),
    ae(1, "Nausea", GI, "2026-04-10", ("2026-04-10", 2)),                     # same term again: counted once, G2
    ae(2, "Nausea", GI, "2026-03-10", ("2026-03-10", 3), ("2026-03-12", 1), attribution=HAIC),  # worst, not latest
    ae(3, "Diarrhea", GI, "2026-03-20", ("2026-03-20", 2), attribution=SINTI, ir=True),
    ae(4, "Fatigue", GEN, "2026-02-25", ("2026-02-25", 1)),                   # pre-existing, unchanged: not TEAE
    ae(5, "Fatigue", GEN, "2026-02-25", ("2026-02-25", 1), ("2026-03-15", 2)),  # pre-existing, worsened: TEAE
    ae(6, "Pneumonitis", RESP, "2026-04-01", ("2026-04-01", 3), attribution=SINTI, serious=True, ir=True, aesi=True),
    ae(7, "Alanine aminotransferase increased", INV, "2026-03-08", ("2026-03-08", 2), ("2026-07-05", 4),
       attribution=HAIC),                                                     # G4 only after the cutoff
    ae(8, "Hypothyroidism", ENDO, "2026-05-01", ("2026-05-01", 2), attribution=SINTI, ir=True, aesi=True),
    ae(10, "Nausea", GI, "2026-07-02", ("2026-07-02", 1), attribution=HAIC),  # onset after the cutoff
    ae(11, "Fever", GEN, "2026-03-03", ("2026-03-03", 3), attribution=PROC, serious=True),
    ae(12, "Diarrhea", GI, "2026-03-04", ("2026-03-04", 1)),
    ae(12, "Diarrhea", GI, "2026-03-25", ("2026-03-25", 3), attribution=HAIC),
    ae(13, "Fatigue", GEN, "2026-03-10", ("2026-03-10", 1), attribution=UNRELATED | {"disease": "probable"}),
    ae(14, "Nausea", GI, "2026-03-06", ("2026-03-06", 2), attribution=HAIC),
    ae(14, "Fatigue", GEN, "2026-03-06", ("2026-03-06", 2), attribution=HAIC),
    ae(15, "Alanine aminotransferase increased", INV, "2026-03-20", ("2026-03-20", 3), attribution=HAIC, aesi=True),
    ae(16, "Pneumonitis", RESP, "2026-05-10", ("2026-05-10", 2), attribution=UNRELATED | {"sintilimab": "possible"},
       ir=True),
    ae(17, "Nausea", GI, "2026-03-10", ("2026-03-10", 1), attribution=HAIC),  # before P17's first dose
    ae(18, "Fatigue", GEN, "2026-03-12", ("2026-03-12", 3),
       attribution=UNRELATED | {"haic": "unlikely", "sintilimab": "unlikely"}),
    ae(19, "Nausea", GI, "2026-03-05", ("2026-03-05", 2), attribution=HAIC),  # never dosed: not in the population
    ae(20, "Fever", GEN, "2026-07-11", ("2026-07-11", 1), attribution=PROC),  # dosed after the cutoff
]


def p(n, pct):
    return {"n": n, "pct": pct}


# Counted by hand (patients out of 18 treated by the cutoff):
#   any AE: P1-8, P11-18 = 16; TEAE: minus P4, P17 = 14; TRAE: P1,2,3,6,7,8,11,12,14,15,16 = 11;
#   irAE: P3,6,8,16 = 4; AESI: P6,8,15 = 3; SAE: P6,11 = 2; grade >= 3: P2,6,11,12,15,18 = 6.
EXPECTED_SUMMARY = {"n_treated": 18, "any_ae": p(16, 88.9), "teae": p(14, 77.8), "trae": p(11, 61.1),
                    "irae": p(4, 22.2), "aesi": p(3, 16.7), "sae": p(2, 11.1), "grade_3_plus": p(6, 33.3)}
EXPECTED_BY_TERM = [
    ("Fatigue", GEN, 5, 1),                                 # P4 G1, P5 G2, P13 G1, P14 G2, P18 G3
    ("Nausea", GI, 4, 1),                                   # P1 G2 (two events), P2 G3, P14 G2, P17 G1
    ("Diarrhea", GI, 2, 1),                                 # P3 G2, P12 G3 (two events)
    ("Alanine aminotransferase increased", INV, 2, 1),      # P7 G2 at the cutoff, P15 G3
    ("Pneumonitis", RESP, 2, 1),                            # P6 G3, P16 G2
    ("Fever", GEN, 1, 1),                                   # P11 G3
    ("Hypothyroidism", ENDO, 1, 0),                         # P8 G2
]
EXPECTED_BY_SOC = [(GI, 6, 2), (GEN, 6, 2), (INV, 2, 1), (RESP, 2, 1), (ENDO, 1, 0)]
PCT = {0: 0.0, 1: 5.6, 2: 11.1, 4: 22.2, 5: 27.8, 6: 33.3}


def test_summary_matches_the_hand_count():
    report = safety_table(EVENTS, FIRST_DOSES, CUTOFF)
    assert {key: report[key] for key in EXPECTED_SUMMARY} == EXPECTED_SUMMARY


def test_by_term_counts_patients_at_their_worst_grade_sorted_by_frequency():
    report = safety_table(EVENTS, FIRST_DOSES, CUTOFF)
    assert report["by_term"] == [{"ctcae_term": term, "soc": soc, "any_grade": p(n, PCT[n]),
                                  "grade_3_plus": p(g3, PCT[g3])} for term, soc, n, g3 in EXPECTED_BY_TERM]


def test_by_soc():
    report = safety_table(EVENTS, FIRST_DOSES, CUTOFF)
    assert report["by_soc"] == [{"soc": soc, "any_grade": p(n, PCT[n]), "grade_3_plus": p(g3, PCT[g3])}
                                for soc, n, g3 in EXPECTED_BY_SOC]


def test_a_later_cutoff_sees_the_later_grade_and_patients():
    report = safety_table(EVENTS, FIRST_DOSES, D("2026-07-31"))
    assert report["n_treated"] == 19                        # P20 now dosed
    alt = next(row for row in report["by_term"] if row["ctcae_term"].startswith("Alanine"))
    assert alt["grade_3_plus"]["n"] == 2                    # P7 reached G4 on 07-05


def test_empty_population_has_no_percentages():
    report = safety_table([], {}, CUTOFF)
    assert report["n_treated"] == 0 and report["any_ae"] == {"n": 0, "pct": None} and report["by_term"] == []


def test_csv_has_the_same_numbers():
    lines = safety_csv(safety_table(EVENTS, FIRST_DOSES, CUTOFF)).splitlines()
    assert lines[0] == "section,soc,ctcae_term,n,pct,grade_3_plus_n,grade_3_plus_pct,n_treated,cutoff"
    assert lines[1] == "summary,,any_ae,16,88.9,,,18,2026-06-30"
    assert "term,General disorders and administration site conditions,Fatigue,5,27.8,1,5.6,18,2026-06-30" in lines
    assert len(lines) == 1 + 7 + len(EXPECTED_BY_SOC) + len(EXPECTED_BY_TERM)
