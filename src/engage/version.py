"""engage's version: the one place it is written, read by the build and by ``engage --version``."""

__version__ = "0.4.0"
