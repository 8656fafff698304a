"""A FHIR R4 collection Bundle of the study (fhir.resources' R4B models validate every resource).

Resources: ResearchStudy; per patient a Patient pseudonymised by study id (no name, no
phone, no birth date — only sex and birth year, which ADSL's AGE already implies),
ResearchSubject, an Encounter per completed visit, an AdverseEvent per AE coded with CTCAE
v5.0 and MedDRA (grade as severity extension-free text in `severity`), an Observation per lab
result (SI value, reference range, CTCAE grade as interpretation) and an Observation per
patient-reported symptom item (category "survey", the patient's grade in
valueInteger). R4B is the R4 technical correction (4.3.0); its JSON is valid R4.
"""
from __future__ import annotations

from app.exports.sdtm import STUDYID, usubjid

CTCAE_SYSTEM = "http://ncicb.nci.nih.gov/xml/owl/EVS/ctcae.owl"
MEDDRA_SYSTEM = "http://terminology.hl7.org/CodeSystem/mdr"
STUDY_ID_SYSTEM = "https://clinicaltrials.gov/study"
SUBJECT_ID_SYSTEM = "urn:haic-track:usubjid"
GENDER = {"female": "female", "male": "male", "other": "other", "F": "female", "M": "male", "U": "unknown"}
ENCOUNTER_CLASS = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB", "display": "ambulatory"}
SERIOUS = {"system": "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"}


def _entry(resource) -> dict:
    return {"fullUrl": f"urn:uuid:{resource['resourceType'].lower()}-{resource['id']}", "resource": resource}


def _ref(kind, ident) -> dict:
    return {"reference": f"urn:uuid:{kind.lower()}-{ident}"}


def study_resource(status: str = "active") -> dict:
    return {"resourceType": "ResearchStudy", "id": STUDYID.lower(), "status": status,
            "identifier": [{"system": STUDY_ID_SYSTEM, "value": STUDYID}],
            "title": "HAIC plus sintilimab for liver metastases of esophageal squamous cell carcinoma"}


def patient_resources(p) -> list[dict]:
    """Patient (pseudonymised) and ResearchSubject for one enrolled patient."""
    pid = p.study_id.lower()
    patient = {"resourceType": "Patient", "id": pid,
               "identifier": [{"system": SUBJECT_ID_SYSTEM, "value": usubjid(p)}],
               "gender": GENDER.get(p.sex, "unknown")}
    subject = {"resourceType": "ResearchSubject", "id": pid, "status": "on-study" if p.first_dose else "candidate",
               "study": _ref("ResearchStudy", STUDYID.lower()), "individual": _ref("Patient", pid),
               "period": {"start": p.enrolled_on.isoformat()}}
    if p.death_date:
        subject["status"] = "off-study"
        patient["deceasedDateTime"] = p.death_date.isoformat()
    return [patient, subject]


def encounter_resource(p, visit) -> dict:
    return {"resourceType": "Encounter", "id": f"visit-{visit.id}", "status": "finished", "class": ENCOUNTER_CLASS,
            "type": [{"text": visit.kind}], "subject": _ref("Patient", p.study_id.lower()),
            "period": {"start": visit.actual_date.isoformat(), "end": visit.actual_date.isoformat()},
            "identifier": [{"system": "urn:haic-track:visit", "value": visit.code}]}


def adverse_event_resource(p, event, grade: int) -> dict:
    resource = {
        "resourceType": "AdverseEvent", "id": f"ae-{event.id}", "actuality": "actual",
        "subject": _ref("Patient", p.study_id.lower()), "study": [_ref("ResearchStudy", STUDYID.lower())],
        "event": {"coding": [{"system": MEDDRA_SYSTEM, "code": str(event.meddra_code), "display": event.ctcae_term},
                             {"system": CTCAE_SYSTEM, "version": event.ctcae_version, "display": event.ctcae_term}],
                  "text": event.ctcae_term},
        "date": event.onset_date.isoformat(),
        "severity": {"coding": [{"system": CTCAE_SYSTEM, "code": f"grade-{grade}", "display": f"CTCAE grade {grade}"}],
                     "text": f"Grade {grade}"},
        "seriousness": {"coding": [SERIOUS | ({"code": "serious", "display": "Serious"} if event.serious
                                              else {"code": "non-serious", "display": "Non-serious"})]},
    }
    return resource


def symptom_observation(p, report, item) -> dict:
    resource = {"resourceType": "Observation", "id": f"symptom-{item.id}", "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                          "code": "survey", "display": "Survey"}]}],
                "code": {"coding": [{"system": MEDDRA_SYSTEM, "code": str(item.meddra_code), "display": item.ctcae_term}],
                         "text": f"Patient-reported {item.ctcae_term}"},
                "subject": _ref("Patient", p.study_id.lower()),
                "effectiveDateTime": report.received_at.isoformat(timespec="seconds")}
    if item.patient_grade is not None:
        resource["valueInteger"] = int(item.patient_grade)
    else:
        resource["dataAbsentReason"] = {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                                                    "code": "asked-unknown"}]}
    return resource


def lab_observation(p, result) -> dict:
    """A lab result as an Observation (category laboratory): the value in its SI unit, the
    reference range, and the CTCAE v5.0 grade as an interpretation when the test has one."""
    resource = {"resourceType": "Observation", "id": f"lab-{result.id}", "status": "final",
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                          "code": "laboratory", "display": "Laboratory"}]}],
                "code": {"text": result.test}, "subject": _ref("Patient", p.study_id.lower()),
                "effectiveDateTime": result.collected_on.isoformat(),
                "valueQuantity": {"value": float(result.value_si), "unit": result.unit_si}}
    limits = {key: {"value": float(value), "unit": result.unit_si}
              for key, value in (("low", result.lln_si), ("high", result.uln_si)) if value is not None}
    if limits:
        resource["referenceRange"] = [limits]
    if result.grade is not None and result.ctcae_term:
        resource["interpretation"] = [{"coding": [{"system": CTCAE_SYSTEM, "code": f"grade-{result.grade}"}],
                                       "text": f"{result.ctcae_term}, CTCAE grade {result.grade}"}]
    return resource


def bundle(patients, visits, adverse_events, grades: dict, symptom_reports, timestamp: str, lab_results=()) -> dict:
    """A `collection` Bundle of everything above; `grades` maps AE id → grade at the cutoff."""
    by_id = {p.id: p for p in patients}
    resources = [study_resource()]
    for p in patients:
        resources.extend(patient_resources(p))
    resources += [encounter_resource(by_id[v.patient_id], v) for v in visits
                  if v.status == "completed" and v.actual_date and v.patient_id in by_id]
    resources += [adverse_event_resource(by_id[e.patient_id], e, grades[e.id]) for e in adverse_events
                  if e.patient_id in by_id and e.id in grades]
    resources += [symptom_observation(by_id[r.patient_id], r, item) for r in symptom_reports
                  if r.patient_id in by_id for item in r.items]
    resources += [lab_observation(by_id[r.patient_id], r) for r in lab_results if r.patient_id in by_id]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": timestamp,
            "identifier": {"system": STUDY_ID_SYSTEM, "value": f"{STUDYID}-{timestamp}"},
            "entry": [_entry(r) for r in resources]}


def validate_bundle(document: dict):
    """Parse the Bundle with fhir.resources (R4B): raises pydantic.ValidationError when invalid."""
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(document)
