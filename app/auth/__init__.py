"""Users, roles, bearer tokens and the login lockout."""
