"""Follow-up tracking: who is due for contact, proof of life, and the contact log."""
