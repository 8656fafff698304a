"""SMS gateways behind one Gateway protocol (base.py): twilio, console, and the domestic
providers; registry.make_gateway picks one from the configuration."""
from app.notifications.gateways.base import Gateway, SendResult, TemplateRef  # noqa: F401
