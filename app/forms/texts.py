"""The page's words, per language. No diagnosis, drug or hospital name anywhere."""
from __future__ import annotations

TEXTS = {
    "zh": {
        "title": "今天感觉怎么样？",
        "nothing": "今天没有不舒服",
        "nothing_hint": "一切都好，点这里就可以了。",
        "urgent_title": "有下面这些情况吗？",
        "urgent_hint": "有的话请勾选，并马上打电话。",
        "symptoms_title": "今天有哪些不舒服？",
        "temperature": "体温（°C）",
        "stools": "今天大便几次？",
        "text": "还有什么想告诉我们的？",
        "submit": "提交",
        "call": "如感觉很不好，请马上致电",
        "thanks_title": "已收到，谢谢！",
        "thanks_body": "研究护士会看到您填写的内容。",
        "nothing_saved": "已记录：今天没有不舒服。谢谢！",
        "urgent_now": "请马上打电话：",
        "urgent_body": "您填写的情况需要马上处理。护士已收到通知。如果打不通，请去最近的急诊。",
        "bad_link_title": "这个链接不能用了",
        "bad_link_body": "链接已过期、已停用或已用完。请联系研究护士获取新链接。",
        "errors_title": "请检查下面标出的内容。",
        "too_long": "文字太长了，请少于{limit}个字。",
        "not_a_number": "请填一个数字。",
        "out_of_range": "这个数字看起来不对，请再检查一下。",
        "bad_choice": "请重新选择。",
        "too_large": "提交的内容太多了，请缩短文字后再试。",
        "error_title": "出了点问题",
        "error_body": "请稍后再试。如感觉很不好，请直接打电话。",
    },
    "en": {
        "title": "How are you feeling today?",
        "nothing": "Nothing bothers me today",
        "nothing_hint": "All fine? One tap is enough.",
        "urgent_title": "Do you have any of these?",
        "urgent_hint": "If so, tick it and call us now.",
        "symptoms_title": "What bothers you today?",
        "temperature": "Temperature (°C)",
        "stools": "Bowel movements today",
        "text": "Anything else you want to tell us?",
        "submit": "Send",
        "call": "If you feel very unwell, call now",
        "thanks_title": "Received, thank you!",
        "thanks_body": "Your study nurse will see your answers.",
        "nothing_saved": "Saved: nothing bothers you today. Thank you!",
        "urgent_now": "Please call now:",
        "urgent_body": "What you told us needs attention now. The nurse has been told. "
                       "If nobody answers, go to the nearest emergency department.",
        "bad_link_title": "This link no longer works",
        "bad_link_body": "It has expired, was switched off or has been used up. Ask your study nurse for a new one.",
        "errors_title": "Please check the marked answers.",
        "too_long": "The text is too long: please keep it under {limit} characters.",
        "not_a_number": "Please enter a number.",
        "out_of_range": "This number looks wrong; please check it.",
        "bad_choice": "Please choose again.",
        "too_large": "That was too much to send; please shorten your text and try again.",
        "error_title": "Something went wrong",
        "error_body": "Please try again later. If you feel very unwell, call us.",
    },
}


def texts_for(language: str | None) -> dict:
    """The page texts in `language` (Chinese when unknown: the trial's patients read Chinese)."""
    return TEXTS.get(language or "zh", TEXTS["zh"])
