"""Output for people and programs: tables, terminal layout, colour, workbooks, progress."""
