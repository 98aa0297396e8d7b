"""Judging an engagement as of a date: its timeline, deliverable history, usage and verdict."""
