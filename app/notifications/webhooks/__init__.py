"""Provider webhooks (inbound replies and delivery receipts), one module per provider."""
