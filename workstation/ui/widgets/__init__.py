"""Widgets the screens share: a scrolled body, masked entries, the calendar, notices, status bar."""
