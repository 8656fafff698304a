"""`flask sms templates`, the template catalogue's checks and the production start-up checks."""
import pytest
import yaml

from app.notifications.settings_check import production_sms_problems
from app.notifications.sms_catalogue import (SmsTemplate, catalogue, domestic_length, domestic_segments,
                                             domestic_text, required_template_keys, template_problems)
from tests.notifications.domestic_support import write_codes_file


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_prints_every_template_with_its_variables_and_passes(runner, site):
    result = runner.invoke(args=["sms", "templates"])
    assert result.exit_code == 0, result.output
    for name in catalogue():
        assert f"\n{name}  variables:" in result.output
    assert "aliyun:  请点击链接填写今天的情况：http://127.0.0.1:5000/r/${token}" in result.output
    assert "tencent: 请点击链接填写今天的情况：http://127.0.0.1:5000/r/{1}" in result.output
    assert "【" not in result.output.split("(counted", 1)[1]  # no signature inside the texts


def test_english_texts_are_too_long_for_domestic_segments(runner, site):
    result = runner.invoke(args=["sms", "templates", "-l", "en"])
    assert result.exit_code == 1 and "checkin_weekly.en" in result.output
    assert "checkin_weekly [en]: too long" in result.output


def test_stub_lists_every_template_with_empty_codes(runner):
    result = runner.invoke(args=["sms", "templates", "--stub"])
    data = yaml.safe_load(result.output)
    assert set(required_template_keys()) <= set(data)
    assert data["form_link"] == {"aliyun": "", "tencent": "", "params": ["token"]}
    assert data["reminder_advance"]["params"] == ["date", "visit", "phone"]  # the 【{site}】 signature is the provider's


HINT = "回复TD退订"


@pytest.mark.parametrize("text, problem", [
    ("请于{date}来{visit}。" + HINT, None),
    ("请于{date}来，费用{price}。" + HINT, "undeclared variable(s) price"),
    ("【{site}】您的化疗在{date}。" + HINT, "contains 【…】"),
    ("您的化疗在{date}。" + HINT, "names the diagnosis, drug or hospital (化疗)"),
    ("请到北京肿瘤医院复诊{date}。" + HINT, "names the diagnosis"),
    ("请到协和医院复诊{date}。" + HINT, "names the diagnosis, drug or hospital (协和医院)"),
    ("提醒" * 60 + "{date}", "too long"),
])
def test_template_problems(text, problem):
    template = SmsTemplate("t", ("date", "visit"), {"zh": text})
    found = template_problems(template, "zh", text, "研究门诊", "https://x.cn", hospital_names=("协和医院",))
    if problem is None:
        assert found == []
    else:
        assert any(problem in p for p in found), found


def test_signature_counts_in_the_length():
    text = "x" * 62
    assert domestic_length(text, "研究门诊") == 68 and domestic_segments(68) == 1
    assert domestic_length(text, "研究门诊门诊门诊") == 72 and domestic_segments(72) == 2
    assert domestic_segments(134) == 2 and domestic_segments(135) == 3


def test_domestic_texts_drop_the_bracket_and_end_with_the_hint():
    templates = catalogue()
    assert domestic_text(templates["reminder_day_of"], "zh", HINT).endswith(HINT)
    assert not domestic_text(templates["reminder_day_of"], "zh", HINT).startswith("【")
    assert not domestic_text(templates["reply_opt_out"], "zh", HINT).endswith(HINT)  # the confirmation itself


def good_production(tmp_path, backend="aliyun"):
    path = tmp_path / "codes.yaml"
    write_codes_file(path)
    return {"SMS_BACKEND": backend, "PUBLIC_BASE_URL": "https://haic.example.cn", "SMS_SIGN_NAME": "研究门诊",
            "SMS_TEMPLATES_FILE": str(path), "SMS_WEBHOOK_SECRET": "z" * 43, "ALIYUN_ACCESS_KEY_ID": "a",
            "ALIYUN_ACCESS_KEY_SECRET": "b", "TENCENT_SECRET_ID": "c", "TENCENT_SECRET_KEY": "d",
            "TENCENT_SMS_SDK_APP_ID": "1400"}


@pytest.mark.parametrize("backend", ["aliyun", "tencent"])
def test_complete_production_settings_pass(tmp_path, backend):
    assert production_sms_problems(good_production(tmp_path, backend)) == []


@pytest.mark.parametrize("change, named", [
    ({"SMS_BACKEND": "console"}, "SMS_BACKEND"),
    ({"ALIYUN_ACCESS_KEY_SECRET": None}, "ALIYUN_ACCESS_KEY_SECRET"),
    ({"SMS_SIGN_NAME": ""}, "SMS_SIGN_NAME"),
    ({"SMS_WEBHOOK_SECRET": None}, "SMS_WEBHOOK_SECRET"),
    ({"SMS_WEBHOOK_SECRET": "short"}, "SMS_WEBHOOK_SECRET"),
    ({"PUBLIC_BASE_URL": "http://localhost:5000"}, "PUBLIC_BASE_URL"),
    ({"PUBLIC_BASE_URL": "http://127.0.0.1:5000"}, "PUBLIC_BASE_URL"),
    ({"SMS_TEMPLATES_FILE": None}, "SMS_TEMPLATES_FILE"),
    ({"SMS_TEMPLATES_FILE": "/nonexistent/codes.yaml"}, "SMS_TEMPLATES_FILE"),
    ({"SMS_WEBHOOK_ALLOWED_IPS": "10.0.0.0/8, not-an-ip"}, "SMS_WEBHOOK_ALLOWED_IPS"),
])
def test_each_wrong_setting_is_one_line_naming_it(tmp_path, change, named):
    problems = production_sms_problems({**good_production(tmp_path), **change})
    assert len(problems) == 1 and named in problems[0] and "\n" not in problems[0]


def test_a_missing_template_code_is_named(tmp_path):
    config = good_production(tmp_path)
    data = yaml.safe_load(open(config["SMS_TEMPLATES_FILE"], encoding="utf-8"))
    data["form_link"]["aliyun"] = ""
    open(config["SMS_TEMPLATES_FILE"], "w", encoding="utf-8").write(yaml.safe_dump(data, allow_unicode=True))
    [problem] = production_sms_problems(config)
    assert "SMS_TEMPLATES_FILE" in problem and "form_link" in problem


def test_production_config_refuses_to_start(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "not-the-default")
    monkeypatch.setenv("SMS_BACKEND", "console")
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "true")  # the database check comes first otherwise
    with pytest.raises(RuntimeError, match="SMS_BACKEND is console"):
        ProductionConfig()
