"""Meetings and work schedules."""
