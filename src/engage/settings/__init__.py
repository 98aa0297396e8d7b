"""Settings a consultant gives once: the user's and the local config file, under one precedence rule."""
