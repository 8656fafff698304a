"""Validation messages in the reader's language.

The API's schemas (marshmallow) and services say what is wrong in English, and the API keeps
it so; the console shows the same messages through gettext. Fixed texts are catalogue
entries; marshmallow's messages that carry values ("Must be one of: …", "Length must be
between 1 and 4.") are matched by pattern and rebuilt around the values.
"""
import re

from flask_babel import gettext as _

from app.console.vocabulary import N_

# marshmallow 3's default messages (fields and validators) with no values in them.
FIXED = [N_("Missing data for required field."), N_("Field may not be null."), N_("Invalid value."),
         N_("Not a valid string."), N_("Not a valid integer."), N_("Not a valid number."), N_("Number too large."),
         N_("Not a valid boolean."), N_("Not a valid date."), N_("Not a valid datetime."), N_("Not a valid time."),
         N_("Not a valid email address."), N_("Not a valid list."), N_("Unknown field."), N_("Invalid input type."),
         N_("String does not match expected pattern."), N_("Not a valid mapping type.")]

# The services' most frequent refusals on the nurse's and coordinator's forms.
SERVICE = [N_("A reason is required to change recorded clinical data."), N_("A reason for the change is required."),
           N_("A visit cannot be moved into the past; complete or miss it."), N_("Before today at the site."),
           N_("After today at the site."), N_("In the future."), N_("Must not be in the future."),
           N_("A visit cannot be completed in the future."), N_("The actual date must be a day that has come."),
           N_("The visit's day has not come yet."), N_("A visit still to come cannot be missed; cancel or reschedule it."),
           N_("Only HAIC and sintilimab visits have a dose."), N_("A contact cannot be in the future."),
           N_("A report cannot be received in the future."), N_("A sample cannot be collected in the future."),
           N_("The note is empty."), N_("Write something."), N_("Please correct the fields marked below.")]

# (pattern, message with the pattern's groups as %(a)s, %(b)s)
PATTERNS = [
    (re.compile(r"^Must be one of: (?P<a>.*)\.$"), N_("Must be one of: %(a)s.")),
    (re.compile(r"^Length must be between (?P<a>\S+) and (?P<b>\S+)\.$"), N_("Length must be between %(a)s and %(b)s.")),
    (re.compile(r"^Length must be (?P<a>\S+)\.$"), N_("Length must be %(a)s.")),
    (re.compile(r"^Shorter than minimum length (?P<a>\S+)\.$"), N_("Shorter than minimum length %(a)s.")),
    (re.compile(r"^Longer than maximum length (?P<a>\S+)\.$"), N_("Longer than maximum length %(a)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<a>\S+) and less than or equal to (?P<b>\S+)\.$"),
     N_("Must be greater than or equal to %(a)s and less than or equal to %(b)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<a>\S+)\.$"), N_("Must be greater than or equal to %(a)s.")),
    (re.compile(r"^Must be less than or equal to (?P<a>\S+)\.$"), N_("Must be less than or equal to %(a)s.")),
    (re.compile(r"^Must be greater than (?P<a>\S+)\.$"), N_("Must be greater than %(a)s.")),
    (re.compile(r"^Must be less than (?P<a>\S+)\.$"), N_("Must be less than %(a)s.")),
]


def translated(message) -> str:
    """`message` in the page's language when the catalogue knows it (or its pattern), else as is."""
    if not isinstance(message, str):
        return message
    for pattern, text in PATTERNS:
        match = pattern.match(message)
        if match:
            return _(text, **match.groupdict())
    return _(message)


def translated_all(messages) -> list:
    """A field's messages (a list, or one message) translated one by one."""
    if isinstance(messages, (list, tuple)):
        return [translated(message) for message in messages]
    return [translated(messages)]
