"""Phone numbers to E.164 with the `phonenumbers` package (pure)."""
import phonenumbers

DEFAULT_REGION = "CN"  # Chinese mobile numbers arrive without +86


class InvalidPhone(ValueError):
    pass


def to_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """Normalise `raw` ("13812345678", "+86 138 1234 5678", "+1 415 555 0100") or raise InvalidPhone."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"{raw!r} is not a phone number ({exc}).") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid phone number.")
    if phonenumbers.number_type(number) not in _SMS_CAPABLE:
        raise InvalidPhone(f"{raw!r} is not a mobile number; patients are reached by SMS.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_SMS_CAPABLE = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,  # e.g. US numbers cannot be told apart
}
