"""Shared edge helpers: clock, problems, HTTP conventions, pagination."""
