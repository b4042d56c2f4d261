"""The embedded center (`make run`, `kefu serve`) and local development.

DEBUG stays off unless KEFU_DEBUG=1: the embedded center is what customers run.
"""

from .base import *  # noqa: F403
