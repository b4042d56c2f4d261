"""Local development and the embedded `make run` center."""

from .base import *  # noqa: F403

DEBUG = True
