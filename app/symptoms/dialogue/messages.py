"""Outgoing SMS templates (en, zh): our own wording, never PRO-CTCAE item text.

Rules checked by tests: each rendered message fits in 2 SMS segments; no drug names
or diagnoses (symptoms are named by the lay names in app/ctcae, or generically).
"""

from __future__ import annotations

from app.ctcae import get_term

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "zh"  # the site's patients mostly text in Chinese

TEMPLATES = {
    "en": {
        "ask_severity": "How bad is the {symptom} now? Reply 0 none, 1 mild, 2 moderate, 3 severe, 4 very severe.",
        "ask_frequency": "How often do you have {symptom}? Reply 0 not at all, 1 once or twice, 2 sometimes, "
                         "3 often, 4 nearly all the time.",
        "ask_temperature": "What is your temperature now? Reply with the number, e.g. 38.2",
        "reprompt_severity": "Sorry, we did not get that. Please reply with one number from 0 to 4, "
                             "e.g. 2 if the {symptom} is moderate.",
        "reprompt_frequency": "Sorry, we did not get that. Please reply with one number from 0 to 4, "
                              "e.g. 2 if you have {symptom} sometimes.",
        "reprompt_temperature": "Sorry, we did not get that. Please reply with your temperature only, e.g. 37.8",
        "reprompt_general": "Sorry, we did not understand. Please describe your symptom in a few words, "
                            "e.g. 'nausea, moderate' or 'fever 38.5'.",
        "urgent": "This needs attention now. Call the study team on {phone} now. If you feel very unwell "
                  "or cannot reach us, go to the nearest emergency department.",
        "escalated": "A study nurse will review this today. If it gets worse, call {phone}.",
        "recorded": "Thank you, we have recorded your report.",
        "to_nurse": "We have passed your message to the study nurse. If it is urgent, call {phone}.",
        "generic_symptom": "symptom",
    },
    "zh": {
        "ask_severity": "{symptom}现在有多严重？请回复数字：0没有，1轻，2中等，3重，4非常重。",
        "ask_frequency": "{symptom}多常出现？请回复数字：0没有，1一两次，2有时，3经常，4几乎一直。",
        "ask_temperature": "您现在体温多少度？请回复数字，例如38.2",
        "reprompt_severity": "抱歉，没看懂。请只回复0到4中的一个数字，例如{symptom}中等就回复2。",
        "reprompt_frequency": "抱歉，没看懂。请只回复0到4中的一个数字，例如{symptom}有时出现就回复2。",
        "reprompt_temperature": "抱歉，没看懂。请只回复体温数字，例如37.8",
        "reprompt_general": "抱歉，没看懂。请用几个字描述症状，例如“恶心，中等”或“发烧38.5”。",
        "urgent": "这种情况需要马上处理。请立即拨打研究团队电话{phone}。如果感觉很不好或联系不上我们，请马上去最近的医院急诊。",
        "escalated": "研究护士今天会查看您的情况。如果加重，请拨打{phone}。",
        "recorded": "谢谢，已记录您的情况。",
        "to_nurse": "您的信息已转给研究护士。如有紧急情况，请拨打{phone}。",
        "generic_symptom": "这个症状",
    },
}


def language_or_default(language: str | None) -> str:
    """A supported reply language ("en"/"zh"); unknown or mixed falls back to the default."""
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def lay_name(term: str, language: str) -> str:
    """Patient-facing name of a CTCAE term (never the diagnosis), or a generic word."""
    record = get_term(term)
    name = getattr(record, f"lay_{language}", None) if record else None
    return name or TEMPLATES[language]["generic_symptom"]


def render(key: str, language: str, *, term: str | None = None, phone: str = "") -> str:
    """The template `key` in `language`, filled with the term's lay name and the site phone."""
    language = language_or_default(language)
    symptom = lay_name(term, language) if term else ""
    return TEMPLATES[language][key].format(symptom=symptom, phone=phone)


GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def sms_segments(text: str) -> int:
    """Number of SMS segments: GSM-7 160/153 characters, otherwise UCS-2 70/67."""
    single, multi = (160, 153) if set(text) <= GSM7_BASIC else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // multi)
