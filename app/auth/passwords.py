"""Password hashing and the password policy (issue 16, item 3).

Policy (NIST SP 800-63B §5.1.1.2: length over composition rules, and a blocklist of
commonly used passwords): at least MIN_PASSWORD_LENGTH characters once surrounding blanks
are ignored, not the username (nor contain it), not made of one repeated character, and not
in the common-password list shipped by the `zxcvbn` package (30,000 passwords from leaked
sets, `zxcvbn.frequency_lists`), compared case-insensitively and with blanks removed.
"""
from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.common.problems import ValidationProblem

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, username: str | None = None) -> list[str]:
    """Why `password` is refused (empty list when it is acceptable). Pure."""
    stripped = password.strip()
    problems = []
    if len(stripped) < MIN_PASSWORD_LENGTH:
        problems.append(f"At least {MIN_PASSWORD_LENGTH} characters (not counting blanks at either end).")
    folded = "".join(stripped.lower().split())
    if username and username.strip() and username.strip().lower() in stripped.lower():
        problems.append("The password must not contain the username.")
    if folded and len(set(folded)) <= 2:
        problems.append("The password must not repeat one or two characters.")
    if folded in _common_passwords() or stripped.lower() in _common_passwords():
        problems.append("This password is in a list of commonly used passwords.")
    return problems


def check_password_policy(password: str, username: str | None = None, field: str = "password") -> None:
    """Raise ValidationProblem (422, errors under `field`) when the policy refuses `password`."""
    problems = password_problems(password, username)
    if problems:
        raise ValidationProblem("The password does not meet the password policy.", errors={field: problems})
