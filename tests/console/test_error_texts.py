"""Validation messages on the console follow the page's language (the API keeps English)."""
import pytest
from flask_babel import refresh

from app.console.error_texts import translated, translated_all


@pytest.mark.parametrize("message, chinese", [
    ("Not a valid date.", "不是有效的日期。"),
    ("Missing data for required field.", "此项必填。"),
    ("Must be one of: phone, sms, clinic.", "必须是以下之一：phone, sms, clinic。"),
    ("Length must be between 1 and 4.", "长度必须在 1 到 4 之间。"),
    ("Must be greater than or equal to 0 and less than or equal to 5.", "必须大于或等于 0 且小于或等于 5。"),
    ("A reason for the change is required.", "请填写修改原因。"),
    ("Something the catalogue has never seen.", "Something the catalogue has never seen."),
])
def test_messages_are_shown_in_chinese_on_a_chinese_page(app, message, chinese):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        assert translated(message) == chinese
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()
        assert translated(message) == message


def test_a_fields_messages_are_translated_one_by_one(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        refresh()
        assert translated_all(["Not a valid date.", "In the future."]) == ["不是有效的日期。", "在未来。"]
        assert translated_all("Not a valid integer.") == ["不是有效的整数。"]


def test_a_chinese_form_shows_the_schemas_error_in_chinese(browser, make_user, enroll):
    patient = enroll()
    make_user("coord-zh", "coordinator")
    browser.login("coord-zh")
    browser.client.get("/console/lang/zh")
    refresh()  # the suite's app context outlives requests, and Flask-Babel caches the locale on it
    browser.page = browser.client.get("/console/follow-up")
    refresh()
    response = browser.post(f"/console/follow-up/{patient['id']}/contacts", {"channel": "phone", "outcome": "nonsense"})
    assert response.status_code == 422
    assert "必须是以下之一" in browser.text and "Must be one of" not in browser.text
