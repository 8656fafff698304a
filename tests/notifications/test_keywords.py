import pytest

from app.notifications.keywords import Keyword, classify_keyword

OUT, IN, HELP = Keyword.OPT_OUT, Keyword.OPT_IN, Keyword.HELP


@pytest.mark.parametrize("body, expected", [
    ("STOP", OUT), ("stop", OUT), ("  Stop \n", OUT), ("STOP.", OUT), ("stop!", OUT),
    ("STOPALL", OUT), ("unsubscribe", OUT), ("Cancel", OUT), ("END", OUT), ("quit", OUT),
    ("退订", OUT), (" 退订。", OUT), ("TD", OUT), ("td", OUT),
    ("ＳＴＯＰ", OUT), ("ｓｔｏｐ", OUT), ("ＴＤ", OUT), ("\u3000退订\u3000", OUT),  # full-width
    ("T", OUT), ("t", OUT), ("Ｔ", OUT),  # the domestic providers' short opt-out
    ("START", IN), ("start", IN), ("UNSTOP", IN), ("ＳＴＡＲＴ", IN), ("订阅", IN), ("“订阅”", IN), ("恢复接收", IN),
    ("我想恢复订阅以前的套餐", None), ("tt", None),
    ("HELP", HELP), ("help?", HELP), ("帮助", HELP), ("Ｈｅｌｐ", HELP),
    ("please don't stop my treatment", None), ("stop it", None), ("STOPP", None),
    ("fever 38.5", None), ("", None), ("   ", None), (None, None), ("我发烧了", None),
])
def test_classify_keyword(body, expected):
    assert classify_keyword(body) == expected


def test_keyword_values_are_plain_strings():
    assert [k.value for k in Keyword] == ["opt_out", "opt_in", "help"]
