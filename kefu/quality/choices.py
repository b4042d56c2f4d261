"""Choices of the quality app."""

from django.db import models


class Written(models.TextChoices):
    """Where a forbidden phrase was written."""

    INTERACTION = "interaction", "接待记录 contact"
    CALLBACK = "callback", "回电·留言 callback"
    FOLLOWUP = "followup", "回访 follow-up"
