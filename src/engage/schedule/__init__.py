"""The schedule: a ToR's TOML file read into a frozen Engagement."""
