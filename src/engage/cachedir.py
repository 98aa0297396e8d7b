"""Where engage keeps what it can compute again: ``ENGAGE_CACHE_DIR``, else the user's cache folder."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VAR = "ENGAGE_CACHE_DIR"


def cache_dir() -> Path:
    """``ENGAGE_CACHE_DIR``, else the platform's user cache folder for engage."""
    if os.environ.get(CACHE_VAR):
        return Path(os.environ[CACHE_VAR])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("engage", appauthor=False))
