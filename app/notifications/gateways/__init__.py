"""SMS gateways behind one Gateway protocol (base.py): twilio, console, and the domestic providers."""
from app.notifications.gateways.base import Gateway, SendResult, TemplateRef, make_gateway  # noqa: F401
