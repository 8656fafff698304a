"""`flask sms templates`: the texts to submit to Aliyun / Tencent for approval, checked.

    flask sms templates                 # every template, Chinese: text, variables, length
    flask sms templates -l zh -l en     # English too (optional for the domestic providers)
    flask sms templates --stub > sms_templates_codes.yaml   # the SMS_TEMPLATES_FILE skeleton

Exit status 1 when a text is refused (too long with the signature, undeclared variable,
a 【…】 bracket, a diagnosis, drug or hospital name): fix sms_templates.yaml first.
"""
from __future__ import annotations

import sys

import click
import yaml
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.notifications.sms_catalogue import (CONSTANTS, LANGUAGES, catalogue, domestic_length, domestic_segments,
                                             domestic_text, placeholders, provider_key, template_problems)

sms_cli = AppGroup("sms", help="SMS templates for the mainland-China providers.")
_UNSET_SIGNATURE = "签名签名签名签名"  # 8 characters: a long signature, until SMS_SIGN_NAME is set


@sms_cli.command("templates")
@click.option("--language", "-l", "languages", multiple=True, type=click.Choice(LANGUAGES), default=("zh",),
              show_default=True, help="Languages to print (repeat the option for several).")
@click.option("--stub", is_flag=True, help="Print an SMS_TEMPLATES_FILE with every template and empty codes.")
def templates(languages, stub):
    """Print every template's text for provider approval, with its variables; refuse bad ones."""
    config = current_app.config
    hint = config.get("SMS_OPT_OUT_HINT") or "回复TD退订"
    if stub:
        click.echo(stub_yaml(hint, languages=LANGUAGES), nl=False)
        return
    signature = config.get("SMS_SIGN_NAME") or _UNSET_SIGNATURE
    base_url = (config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    problems = []
    for language in languages:
        click.echo(f"== {language} ==  signature 【{signature}】 (counted in every length)")
        for template in catalogue().values():
            if language not in template.texts:
                continue
            text = domestic_text(template, language, hint)
            filled = text.replace("{link_base}", base_url)
            names = placeholders(filled)
            length = domestic_length(text, signature, base_url)
            click.echo(f"\n{provider_key(template.name, language)}  variables: {', '.join(names) or '-'}  "
                       f"~{length} chars, {domestic_segments(length)} segment(s)")
            click.echo(f"  aliyun:  {_aliyun_text(filled, names)}")
            click.echo(f"  tencent: {_tencent_text(filled, names)}")
            problems += template_problems(template, language, text, signature, base_url, _hospital_names())
    if problems:
        click.echo("\nRefused:", err=True)
        for problem in problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)


def stub_yaml(hint: str, languages=("zh",)) -> str:
    """SMS_TEMPLATES_FILE with every template (Chinese required, other languages optional),
    its variables in the order of its approved text, and empty codes (API.md "Second wave")."""
    data = {}
    for template in catalogue().values():
        for language in languages:
            if language in template.texts:
                text = domestic_text(template, language, hint)
                data[provider_key(template.name, language)] = {
                    "aliyun": "", "tencent": "", "params": [n for n in placeholders(text) if n not in CONSTANTS]}
    header = ("# SMS_TEMPLATES_FILE: fill in each provider's template code once it approves the text\n"
              "# (`flask sms templates`). Keys ending in .en are optional: without a code the Chinese\n"
              "# template is sent. `params` is the order of the variables in the approved text.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)


def _aliyun_text(text: str, names) -> str:
    for name in names:  # Aliyun writes variables as ${name}
        text = text.replace("{" + name + "}", "${" + name + "}")
    return text


def _tencent_text(text: str, names) -> str:
    for index, name in enumerate(names, start=1):  # Tencent numbers them {1}, {2}, ...
        text = text.replace("{" + name + "}", "{" + str(index) + "}")
    return text


def _hospital_names() -> tuple[str, ...]:
    try:
        from app.models import Site

        return tuple(db.session.scalars(select(Site.name)).all())
    except SQLAlchemyError:  # no database yet: the fixed word lists still apply
        db.session.rollback()
        return ()


def register(app):
    app.cli.add_command(sms_cli)
