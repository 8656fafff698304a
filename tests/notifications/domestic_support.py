"""Helpers for the mainland-China SMS tests: a filled SMS_TEMPLATES_FILE and app settings."""
import yaml

from app.notifications.sms_cli import stub_yaml

WEBHOOK_SECRET = "s3cret-" + "x" * 40
PUBLIC_BASE_URL = "https://haic.example.cn"


def write_codes_file(path) -> dict:
    """SMS_TEMPLATES_FILE with a code for every template and provider: SMS_<n> / <n>."""
    data = yaml.safe_load(stub_yaml("回复TD退订", languages=("zh", "en")))
    for number, entry in enumerate(data.values(), start=100):
        entry["aliyun"], entry["tencent"] = f"SMS_{number}", str(number)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return data


def domestic_config(app_config, provider: str, fake, codes_file):
    app_config.SMS_BACKEND = provider
    app_config.PUBLIC_BASE_URL = PUBLIC_BASE_URL
    app_config.SMS_WEBHOOK_SECRET = WEBHOOK_SECRET
    for key, value in fake.config(codes_file).items():
        setattr(app_config, key, value)
    return app_config
