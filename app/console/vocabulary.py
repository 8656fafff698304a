"""Values the console shows through gettext (statuses, kinds, roles ...), marked for extraction.

Templates call `_(value)` on these stored codes; listing them here puts them in the catalogue
(`N_` marks without translating at import time).
"""


def N_(text: str) -> str:  # noqa: N802 (the gettext convention)
    return text


ROLES = [N_("admin"), N_("coordinator"), N_("investigator"), N_("nurse"), N_("statistician"), N_("monitor")]
VISIT_KINDS = [N_("haic"), N_("sintilimab"), N_("labs"), N_("imaging"), N_("safety_follow_up"),
               N_("survival_follow_up")]
VISIT_STATUSES = [N_("scheduled"), N_("completed"), N_("missed"), N_("cancelled")]
TIMINGS = [N_("on_time"), N_("in_window"), N_("early"), N_("late"), N_("out_of_window")]
FLAGS = [N_("capacity"), N_("closed_day"), N_("out_of_window"), N_("missed_candidate"), N_("beyond_treatment_limit")]
READINESS = [N_("ready"), N_("labs_missing"), N_("hold"), N_("not_applicable")]
PATIENT_STATUSES = [N_("on_treatment"), N_("follow_up"), N_("completed"), N_("deceased"), N_("withdrawn"),
                    N_("lost_to_follow_up")]
CHANNELS = [N_("sms"), N_("tablet"), N_("form")]
MESSAGE_STATUSES = [N_("queued"), N_("sending"), N_("sent"), N_("delivered"), N_("undelivered"), N_("failed"),
                    N_("received")]
ALERT_KINDS = [N_("symptom"), N_("confirm_progression"), N_("record_death"), N_("unmatched_message"),
               N_("opted_out"), N_("lab_hold"), N_("sae_deadline"), N_("unreachable"), N_("inbox_failure"),
               N_("urgent_reply_late")]
CONTACT_CHANNELS = [N_("phone"), N_("clinic"), N_("home_visit"), N_("other")]
CONTACT_OUTCOMES = [N_("reached"), N_("informant_confirmed_alive"), N_("no_answer"), N_("message_left"),
                    N_("wrong_number"), N_("refused"), N_("reported_deceased")]
SCAN_ROLES = [N_("baseline"), N_("follow_up"), N_("superseded_baseline")]
PROGRESSION_SOURCES = [N_("radiological"), N_("clinical")]
