"""SMS: gateways, templates, quiet hours, keywords, retry policy and reminder timing.

The modules here are pure or talk only to the SMS provider; the outbox, services and
webhook routes that use them live beside them and own the database work.
"""
