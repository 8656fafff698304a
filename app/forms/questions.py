"""What the web symptom form asks, in our own words (never NCI's PRO-CTCAE item text).

Pure data and parsing: the symptoms with the scale each is asked on, the red flags that
send the patient to the phone at once, the measured values, and `read_answers`, which
turns the posted form into the items the symptom pipeline grades. No Flask, no database.
Scales are the PRO 0-4 scales the grader uses (app/symptoms/grading/composite.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

MAX_TEXT_CHARS = 1000
TEMPERATURE_RANGE = (34.0, 43.0)  # °C: outside it, a typing mistake
STOOLS_RANGE = (0, 40)


@dataclass(frozen=True)
class Question:
    """One symptom: its CTCAE term, the scale it is asked on and its label per language."""

    key: str
    ctcae_term: str
    scale: str  # "severity" | "frequency"
    label: dict


# Labels are plain words a patient uses; the CTCAE term stays on our side.
QUESTIONS = (
    Question("nausea", "Nausea", "severity", {"zh": "恶心、想吐", "en": "Feeling sick to your stomach"}),
    Question("vomiting", "Vomiting", "frequency", {"zh": "呕吐", "en": "Throwing up"}),
    Question("belly_pain", "Abdominal pain", "severity", {"zh": "肚子疼", "en": "Pain in your belly"}),
    Question("appetite", "Anorexia", "severity", {"zh": "不想吃饭", "en": "Not wanting to eat"}),
    Question("tired", "Fatigue", "severity", {"zh": "没力气、很累", "en": "Tired, no energy"}),
    Question("mouth", "Mucositis oral", "severity", {"zh": "嘴里溃疡、疼", "en": "Sore mouth or mouth ulcers"}),
    Question("rash", "Rash maculo-papular", "severity", {"zh": "皮疹", "en": "Rash on your skin"}),
    Question("itch", "Pruritus", "severity", {"zh": "皮肤痒", "en": "Itchy skin"}),
    Question("cough", "Cough", "severity", {"zh": "咳嗽", "en": "Cough"}),
    Question("breath", "Dyspnea", "severity", {"zh": "气短、喘不上气", "en": "Short of breath"}),
)
QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}

# Answer wording per scale, 0-4, in our own words.
SCALES = {
    "severity": {"zh": ("没有", "一点点", "比较明显", "很厉害", "非常严重"),
                 "en": ("No", "A little", "Clearly", "Badly", "Very badly")},
    "frequency": {"zh": ("没有", "1次", "2–3次", "4–5次", "6次或更多"),
                  "en": ("No", "Once", "2–3 times", "4–5 times", "6 times or more")},
}


@dataclass(frozen=True)
class RedFlag:
    """A sign that needs a call now: the red flag the escalation rules know and its term."""

    key: str
    flag: str
    ctcae_term: str
    label: dict


RED_FLAGS = (
    RedFlag("blood_stool", "bloody_stool", "Lower gastrointestinal hemorrhage",
            {"zh": "大便带血或发黑", "en": "Blood in your stool, or black stool"}),
    RedFlag("blood_vomit", "vomiting_blood", "Upper gastrointestinal hemorrhage",
            {"zh": "吐血", "en": "Throwing up blood"}),
    RedFlag("chest", "chest_pain", "Chest pain - cardiac", {"zh": "胸口疼或发紧", "en": "Pain or tightness in your chest"}),
    RedFlag("breath_rest", "dyspnea_at_rest", "Dyspnea",
            {"zh": "休息时也喘不上气", "en": "Short of breath even when resting"}),
    RedFlag("yellow", "jaundice", "Blood bilirubin increased", {"zh": "皮肤或眼睛发黄", "en": "Yellow skin or eyes"}),
    RedFlag("confused", "confusion", "Confusion", {"zh": "糊涂、特别嗜睡", "en": "Confused or very drowsy"}),
    RedFlag("puncture", "catheter_site_bleeding", "Vascular access complication",
            {"zh": "大腿根穿刺处出血或肿", "en": "Bleeding or swelling where the needle went in (groin)"}),
)
RED_FLAGS_BY_KEY = {r.key: r for r in RED_FLAGS}


@dataclass
class Answers:
    """The form as read: items for the grader (tablet item shape), free text, or errors."""

    items: list[dict] = field(default_factory=list)
    text: str = ""
    nothing_today: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # field → message key (see texts.py)

    @property
    def empty(self) -> bool:
        return not self.items and not self.text


def read_answers(form) -> Answers:
    """Read a posted form (a mapping of str → str; `getlist` used when present).

    Fields: `action` ("nothing" for "nothing today"), `s_<key>` 0-4 per question,
    `flag` (repeated red-flag keys), `temperature` (°C), `stools` (per day), `text`.
    Returns the items the symptom pipeline grades; unknown fields are ignored.
    """
    answers = Answers()
    if form.get("action") == "nothing":
        answers.nothing_today = True
        return answers
    by_term: dict[str, dict] = {}
    for question in QUESTIONS:
        raw = (form.get(f"s_{question.key}") or "").strip()
        if raw in ("", "0"):
            continue
        if raw not in ("1", "2", "3", "4"):
            answers.errors[f"s_{question.key}"] = "bad_choice"
            continue
        by_term[question.ctcae_term] = {"ctcae_term": question.ctcae_term, question.scale: int(raw)}
    flags = form.getlist("flag") if hasattr(form, "getlist") else list(form.get("flag") or [])
    for key in flags:
        red = RED_FLAGS_BY_KEY.get(key)
        if red is None:
            continue
        item = by_term.setdefault(red.ctcae_term, {"ctcae_term": red.ctcae_term})
        item["red_flags"] = sorted(set(item.get("red_flags", [])) | {red.flag})
    _measured(form, "temperature", "Fever", "°C", TEMPERATURE_RANGE, float, by_term, answers)
    _measured(form, "stools", "Diarrhea", "stools/day", STOOLS_RANGE, int, by_term, answers)
    text = (form.get("text") or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        answers.errors["text"] = "too_long"
    answers.text = text
    answers.items = list(by_term.values())
    return answers


def _measured(form, name, term, unit, bounds, cast, by_term, answers) -> None:
    raw = (form.get(name) or "").strip().replace(",", ".").replace("，", ".")
    if not raw:
        return
    try:
        value = cast(float(raw)) if cast is int else float(raw)
    except ValueError:
        answers.errors[name] = "not_a_number"
        return
    if not math.isfinite(value) or not bounds[0] <= value <= bounds[1]:
        answers.errors[name] = "out_of_range"
        return
    if term == "Diarrhea" and value == 0:
        return
    item = by_term.setdefault(term, {"ctcae_term": term})
    item["value"], item["unit"] = value, unit
