"""Descriptions, with units, for the API's schema fields, in one table: the OpenAPI document
(`/api/v1/openapi.json`) shows them. A field that declares its own
`metadata={"description": ...}` keeps it (use that where a name means something else in one
schema); otherwise its name is looked up here, then its
suffix (`_at` timestamps, `_date`/`_on` dates, `_mg`, `_mm`…) gives a description with the unit.

`describe_spec(spec)` runs in the factory once the blueprints are registered (flask-smorest has
turned the schemas into the spec's components by then).
"""
from __future__ import annotations

TIMESTAMP = "Timestamp, ISO 8601 with offset (stored in UTC)."
DATE = "Date YYYY-MM-DD (the site's local calendar date)."
NAMES = {
    "checkin_channel": "How check-ins reach the patient: sms (questions by SMS) or form (a web-link form); null: the site's setting.",
    "must_change_password": "True after an admin reset: every call but POST /auth/password answers 403 until it is changed.",
    "haic_capacity": "HAIC sessions the angiography suite takes per clinic day (booking flags visits beyond it).",
    "type": "A URI naming the kind of problem (RFC 9457).", "title": "A short summary of the kind of problem.",
    "detail": "What went wrong in this request, for a person to read.",
    "current_password": "The user's current password (checked like a login, throttled).",
    "new_password": "The new password: at least 12 characters, not the username, not a common password.",
    "url": "An absolute URL (contains a secret token: share it only with the patient).",
    "stools_per_day": "The patient's usual number of stools per day before treatment (the diarrhea baseline, CTCAE v5.0).",
    "evidence": "What the candidate rests on: the symptom item or the lab result (value, unit, limit).",
    "results": "The lab results of this collection (one per test).",
    "readiness": "HAIC go/no-go from the pre-cycle labs (D1-3..D1): ready, labs_missing, hold (with the failing values and limits) or not_applicable.",
    "lln_si": "Lower limit of normal in the SI unit (unit_si).", "uln_si": "Upper limit of normal in the SI unit (unit_si).",
    "times_uln": "The value as a multiple of the upper limit of normal (x ULN).",
    "unit_si": "The SI unit the value was normalised to (e.g. 10^9/L, umol/L, U/L).",
    "value_si": "The value normalised to unit_si (the screening's unit rules).",
    "treatment_beyond_progression": "True when the investigator keeps sintilimab going after progression.",
    "source": "How progression was established: radiological (a RECIST PD scan) or clinical.",
    "new_lesion_sites": "Where new lesions are: liver and/or extrahepatic (required when new_lesions is true).",
    "non_target_liver": "The liver's non-target state apart from the rest (cr, non_cr_non_pd, pd, ne, none).",
    "definition": "How the population is defined (PROTOCOL.md, Endpoints).",
    "n_enrolled": "Patients enrolled by the cutoff.", "n_not_treated": "Enrolled patients without any dose by the cutoff.",
    "n_response_evaluable": "Treated patients with measurable disease at baseline (the ORR denominator).",
    "n_liver_evaluable": "Response-evaluable patients with a liver target lesion at baseline.",
    "population": "The analysed population, named, with its counts.",
    "other_specify": "Verbatim term for a CTCAE 'Other, specify' term (required for those terms).",
    "id": "Opaque identifier.",
    "version": "Row version: send it back in If-Match; a stale one gets 412.",
    "patient_id": "The patient's id.", "visit_id": "The visit's id.", "screening_id": "The screening's id.",
    "symptom_report_id": "The symptom report's id.", "symptom_item_id": "The symptom item's id.",
    "message_id": "The SMS message's id (GET /api/v1/messages).",
    "adverse_event_id": "The adverse event's id.", "event_id": "The patient event's id.",
    "entered_by_id": "Id of the user who entered it.", "recorded_by_id": "Id of the user who recorded it.",
    "acknowledged_by_id": "Id of the user who acknowledged it.",
    "study_id": "The patient's study number: site code and enrollment number, e.g. BJ-007.",
    "site": "Site code (2-8 capital letters).", "code": "Code (for a visit: the protocol visit code).",
    "items": "The page's items.", "next_cursor": "Cursor for the next page; null on the last page.",
    "cursor": "Opaque cursor from the previous page's next_cursor.", "limit": "Page size (items).",
    "updated_since": "Only rows changed at or after this timestamp (tablet delta sync).",
    "status": "Status (see the enum).", "kind": "Kind (see the enum).", "reason": "Why (free text, kept in the audit trail).",
    "reasons": "Machine-readable reasons.", "notes": "Free-text notes.", "note": "Free-text note.",
    "phone": "Phone number, E.164 (e.g. +8613800000000).", "language": "SMS language: zh or en.",
    "timezone": "IANA time zone, e.g. Asia/Shanghai.", "initials": "The person's initials (no names are stored).",
    "sex": "female, male or other (CDISC F/M/U accepted).",
    "weight_kg": "Body weight in kg.", "dose_mg": "Dose given, in mg.", "planned_dose_mg": "Planned dose, in mg.",
    "systemic_steroid_mg_prednisone_per_day": "Systemic steroid dose in mg prednisone equivalent per day.",
    "residual_liver_volume_ml": "Residual liver volume in mL.", "predicted_survival_months": "Predicted survival, months.",
    "sum_mm": "Sum of target lesion diameters, mm (RECIST 1.1).", "liver_sum_mm": "Sum of liver target lesion diameters, mm.",
    "diameter_mm": "Longest diameter (short axis for nodes), mm; null = not evaluated.",
    "change_from_baseline_pct": "Change of the sum from baseline, percent.",
    "change_from_nadir_pct": "Change of the sum from the nadir, percent.",
    "pct": "Percentage of n_treated (0-100).", "n": "Number of patients.", "rate": "Proportion (0-1).",
    "ci_lower": "Lower bound of the 95% confidence interval (0-1).", "ci_upper": "Upper bound of the 95% CI (0-1).",
    "ci_lower_days": "Lower bound of the 95% CI of the median, days.", "ci_upper_days": "Upper bound, days.",
    "median_days": "Kaplan-Meier median, days; null when not reached.", "median_follow_up_days": "Median follow-up, days (reverse Kaplan-Meier).",
    "days": "Time since C1D1, days.", "months": "Time since C1D1, months.", "events": "Number of events.",
    "days_since_contact": "Days since the last known contact (site-local dates).",
    "expires_in": "Seconds until the token expires.", "attempts": "Send attempts so far.",
    "haic_daily_capacity": "HAIC sessions the site can run per day.",
    "quiet_start": "Start of quiet hours, HH:MM site-local (no study-initiated SMS).",
    "quiet_end": "End of quiet hours, HH:MM site-local.", "start": "HH:MM, site-local.", "end": "HH:MM, site-local.",
    "value": "Measured value, in `unit`.", "unit": "Unit of `value` (UCUM-like, e.g. °C, g/L).",
    "uln": "Upper limit of normal, in the lab's unit.", "lln": "Lower limit of normal, in the lab's unit.",
    "grade": "CTCAE grade (1-5).", "patient_grade": "Patient-reported grade (0-3); null while pending.",
    "worst_grade": "Worst CTCAE grade recorded.", "baseline_grade": "Grade at the first dose (CTCAE).",
    "ctcae_term": "CTCAE v5.0 term.", "ctcae_version": "CTCAE version of the grading (e.g. 5.0).",
    "meddra_code": "MedDRA lowest level term code.", "soc": "MedDRA system organ class.",
    "severity": "PRO-CTCAE severity (0-4).", "frequency": "PRO-CTCAE frequency (0-4).",
    "interference": "PRO-CTCAE interference (0-4).", "red_flags": "Red-flag rules that fired.",
    "channel": "How it arrived: sms, tablet, form, phone…", "text": "The patient's words, verbatim.",
    "body": "SMS text as sent or received.", "purpose": "Why the message was sent (reminder, reply, alert…).",
    "direction": "inbound or outbound.", "to_number": "Recipient, E.164.", "from_number": "Sender, E.164.",
    "provider_sid": "The SMS provider's message id.", "error_code": "Provider error code.",
    "error_message": "Provider error text.", "occurrences": "Events folded into this alert.",
    "urgent": "True when a red flag asks for action now.", "escalated": "True when the nurse was alerted.",
    "cycle": "Treatment cycle number.", "timing": "on_time, early, late or out_of_window (apart from status).",
    "flags": "What a nurse must look at (e.g. out_of_window, capacity, missed_candidate).",
    "protocol_version": "Protocol version the row was planned under.",
    "anchor": "What the visit is timed from (c1d1, a previous visit…).",
    "target_date": DATE.replace(".", ": the protocol target.", 1), "scheduled_date": DATE.replace(".", ": the booked day.", 1),
    "window_start": DATE.replace(".", ": first day of the visit window.", 1),
    "window_end": DATE.replace(".", ": last day of the visit window.", 1),
    "treatment_start": DATE.replace(".", ": the planned C1D1.", 1), "date": DATE, "from": DATE, "to": DATE,
    "cutoff": DATE.replace(".", ": the data cutoff.", 1),
    "serious": "Serious adverse event (ICH E2A).", "seriousness_criteria": "Which seriousness criteria apply.",
    "attribution": "Relatedness per cause (unrelated…definite).", "teae": "Treatment-emergent.",
    "treatment_related": "Possibly, probably or definitely related to a study treatment.",
    "immune_related": "Immune-related AE.", "aesi": "AE of special interest.",
    "eligible": "True, false, or null while facts are missing.", "met": "Criterion met (null: unknown).",
    "missing": "Facts still needed.", "facts": "The screening facts (API.md lists the keys).",
    "username": "Login name.", "password": "Password (never returned).", "role": "Role (see the enum).",
    "on_call": "Paged for alerts when nobody is on the rota.", "active": "Can log in.",
    "sms_name": "Neutral name patients see in SMS (never the hospital's name).",
    "name": "Name.", "lay_en": "Patient-facing English name.", "lay_zh": "Patient-facing Chinese name.",
    "access_token": "Bearer token for the Authorization header.", "token_type": "Always Bearer.",
    "user": "The user.", "patient": "The patient.", "visit": "The visit.", "event": "The event.",
    "acknowledgement_note": "Note left when acknowledging.", "detail": "What happened, for staff (never sent by SMS).",
    "details": "Event details (free-form).", "description": "Free-text description.", "title": "Short title.",
    "action": "What was done (audit action).", "actor": "Who did it (username or job).",
    "entity": "Kind of record changed.", "before": "Audited fields before the change.",
    "after": "Audited fields after the change.", "at": TIMESTAMP, "as_of": DATE,
    "action_taken": "Action taken with each study treatment (ICH E2B).",
    "haic": "About HAIC (hepatic arterial infusion chemotherapy).", "sintilimab": "About sintilimab.",
    "procedure": "About the catheter procedure.", "disease": "About the underlying disease.", "other": "Other cause.",
    "any_ae": "Patients with any AE {n, pct}.", "teae": "Treatment-emergent AE (or patients with one: {n, pct}).",
    "trae": "Patients with a treatment-related AE {n, pct}.", "irae": "Patients with an immune-related AE {n, pct}.",
    "sae": "Serious AE reporting clock (or patients with an SAE: {n, pct}).",
    "grade_3_plus": "Patients with a grade >= 3 AE {n, pct}.", "any_grade": "Patients with the term at any grade {n, pct}.",
    "by_term": "Counts per CTCAE term (patients; worst grade per patient and term).",
    "by_soc": "Counts per system organ class.", "by_reason": "Ineligible screenings per failed criterion.",
    "n_treated": "Patients with at least one dose.", "n_evaluable": "Patients evaluable for response.",
    "responders": "Patients with a confirmed CR or PR.",
    "orr": "Objective response rate (RECIST 1.1) with 95% CI.", "liver_response_rate": "Liver response rate with 95% CI.",
    "os": "Overall survival (Kaplan-Meier).", "pfs": "Progression-free survival (Kaplan-Meier).",
    "dor": "Duration of response (Kaplan-Meier).", "ttr": "Time to response.", "follow_up": "Follow-up summary.",
    "method": "Estimation method (e.g. Kaplan-Meier, Clopper-Pearson).", "landmarks": "Survival at landmark times.",
    "survival": "Survival probability (0-1).",
    "best_overall_response": "Best overall response (RECIST 1.1: CR, PR, SD, PD, NE).",
    "liver_best_response": "Best response of the liver lesions.", "confirmed": "Response confirmed >= 4 weeks later.",
    "liver_confirmed": "Liver response confirmed.", "liver_evaluable": "Liver response can be assessed.",
    "response_evaluable": "Response can be assessed.", "response": "Timepoint response (CR, PR, SD, PD, NE).",
    "timepoint_response": "Overall response at this assessment (RECIST 1.1).",
    "liver_response": "Response of the liver lesions at this assessment.",
    "target_response": "Target lesion response.", "non_target_response": "Non-target lesion response.",
    "non_target": "Non-target lesions: cr, non_cr_non_pd, pd, ne or none.", "new_lesions": "New lesions seen.",
    "target_lesions": "Target lesions measured.", "timepoints": "Each assessment's responses.",
    "modality": "Imaging modality (CT, MRI…).", "organ": "Organ (liver, lymph_node, lung…).",
    "nodal": "Lymph node (short axis measured).", "test": "Lab test code (alt, ast, anc…).",
    "labs": "Lab results.", "history": "History (list of conditions, or the grade history).",
    "ecog": "ECOG performance status (0-5).", "child_pugh_score": "Child-Pugh score (5-15).",
    "histology": "Histology of the primary tumour.", "metastatic_confirmed": "Metastatic disease confirmed.",
    "liver_metastasis_pattern": "Pattern of liver metastasis (API.md lists the values).",
    "extrahepatic_metastases": "Extrahepatic metastases and whether each is locally treatable.",
    "locally_treatable": "Can be treated locally.", "hbv_infected": "HBV infection.", "hbv_on_antiviral": "On HBV antivirals.",
    "tumor_adjacent_to_hollow_organ": "Tumour adjacent to a hollow organ.", "sintilimab_allergy": "Allergy to sintilimab.",
    "prior_immunotherapy": "Prior immunotherapy.", "immunosuppressant_within_4_weeks": "Immunosuppressant in the last 4 weeks.",
    "consent_version": "Version of the consent form signed.", "contraception_agreed": "Contraception agreed (null: not applicable).",
    "criteria": "Each eligibility criterion (I1-I9, E1-E9) with met and reason.",
    "reasons_ineligible": "Why the candidate is ineligible.", "screened": "Screenings.", "enrolled": "Enrolled patients.",
    "ineligible": "Ineligible screenings.", "pending": "Screenings still missing facts (or a pending grade).",
    "enrolled_count": "Patients enrolled at the site.", "summary": "Counts over the whole filtered list.",
    "create_death_event": "Also record the patient's death (grade 5).", "decision": "confirmed or dismissed.",
    "meaning": "What the signature means (21 CFR 11.50).", "sign_off": "Investigator e-signature.",
    "reference": "Reference of the SAE report sent.", "retracted_reason": "Why it was retracted.",
    "ongoing": "Not resolved.", "outcome": "Outcome (CDISC AEOUT, or the contact attempt's result).",
    "last_attempt": "The last contact attempt.", "last_known_alive": DATE.replace(".", ": last proof of life.", 1),
    "next_contact_due": DATE.replace(".", ": next follow-up contact due.", 1), "overdue": "Contact is overdue.",
    "lost_to_follow_up_candidate": "Unreachable long enough to consider lost to follow-up.",
    "proves_life": "This contact proves the patient was alive.", "moved": "Later visits moved with it.",
    "panels": "Lab panels due at the visit.", "status_reason": "Why the status was set.",
    "quiet_hours": "The patient's own quiet hours {start, end}, HH:MM site-local.",
    "sms_opted_out": "Patient replied STOP: no SMS but keyword confirmations.",
    "sms_unreachable": "The provider reports the number unreachable.",
    "type": "Event type (progression, death, end_of_treatment, withdrawal, lost_to_follow_up, contact).",
    "term": "CTCAE term.", "lang": "Language of the lay names searched: en or zh.", "q": "Search text.",
    "format": "Output format (see the enum).", "endpoint": "Which time-to-event endpoint (os, pfs, dor…).",
    "include_retracted": "Also list retracted rows.", "names_zh": "Chinese names and synonyms.",
}
SUFFIXES = (
    ("_at", TIMESTAMP), ("_date", DATE), ("_on", DATE), ("_mg", "In mg."), ("_kg", "In kg."), ("_mm", "In mm."),
    ("_ml", "In mL."), ("_pct", "Percent."), ("_days", "In days."), ("_months", "In months."),
    ("_seconds", "In seconds."), ("_id", "Id of the referenced row."),
)


def description_for(name: str) -> str | None:
    """The table's description of a field called `name`, or None."""
    if name in NAMES:
        return NAMES[name]
    return next((text for suffix, text in SUFFIXES if name.endswith(suffix)), None)


def describe_spec(spec) -> int:
    """Give every property of the spec's component schemas, and every query parameter, that
    has no description the table's one; returns how many were filled. Run after the
    blueprints are registered (the schemas are in the spec then)."""
    filled = 0
    for schema in spec.components.schemas.values():
        for name, prop in schema.get("properties", {}).items():
            filled += _fill(prop, name)
    for operations in spec._paths.values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if isinstance(parameter, dict) and "name" in parameter:
                    filled += _fill(parameter, parameter["name"])
    return filled


def _fill(node: dict, name: str) -> int:
    text = description_for(name)
    if text is None or "description" in node:
        return 0
    node["description"] = text
    return 1
