# The counters moved to the counters app (same table): only the state changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0002_counter'),
        ('counters', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='Counter')]),
    ]
