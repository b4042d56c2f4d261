"""Contacts are searched by words among the recent ones first (issue 11): at ten million
contacts, the words of the last CONTACT_SEARCH_DAYS days (a separate, smaller index on
PostgreSQL) answer within the 50 ms a search box needs; older contacts are searched when the
agent asks for them. `Interaction.search_recent` marks the rows of that index; a contact is
marked when saved, and this daily job unmarks those that have grown old."""

from __future__ import annotations

import datetime as dt

from kefu.interactions.models import Interaction, search_cutoff


def search_age(day: dt.date | None = None) -> str:
    """Unmark the contacts older than the window and mark the ones inside it that are not
    (after the window was made longer): idempotent, whatever day it runs."""
    cutoff = search_cutoff()
    rows = Interaction.objects.all()
    aged = rows.filter(search_recent=True, occurred_at__lt=cutoff).update(search_recent=False)
    back = rows.filter(search_recent=False, occurred_at__gte=cutoff).update(search_recent=True)
    return f"{aged} contacts left the recent words, {back} joined them"
