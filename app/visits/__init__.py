"""Visits: the booked protocol calendar of each patient and its lifecycle."""
