# Contacts are searched by words among the recent ones first (issue 11): a flag for the rows
# of the last CONTACT_SEARCH_DAYS days and, on PostgreSQL, a word index of just those rows.

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from kefu.core.search import recent_index_operation


def flag_recent(apps, schema_editor):
    """The rows already there: recent ones flagged (the other rows keep the added false, so
    a large table is not rewritten)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.KEFU["CONTACT_SEARCH_DAYS"])
    apps.get_model("interactions", "Interaction").objects.filter(occurred_at__gte=cutoff).update(
        search_recent=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0005_background_imports'),
        ('interactions', '0008_escalation_relay'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='interaction',
            name='search_recent',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(flag_recent, migrations.RunPython.noop),
        # new rows: recent (the model's save decides from their time)
        migrations.AlterField(
            model_name='interaction',
            name='search_recent',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddIndex(
            model_name='interaction',
            index=models.Index(condition=models.Q(('search_recent', True)), fields=['occurred_at'], name='interaction_recent'),
        ),
        recent_index_operation('interactions_interaction', 'search_recent'),
    ]
