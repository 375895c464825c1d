# The counters moved here from the oversight app; their table keeps its name, so only the state changes.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('org', '0006_unitkind_is_grassroots'),
        ('oversight', '0002_counter'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Counter',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name='ID')),
                        ('period', models.CharField(max_length=7)),
                        ('metric', models.CharField(max_length=40)),
                        ('slot', models.PositiveSmallIntegerField(default=0)),
                        ('value', models.BigIntegerField(default=0)),
                        ('unit', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                                   related_name='+', to='org.unit')),
                    ],
                    options={
                        'db_table': 'oversight_counter',
                        'constraints': [models.UniqueConstraint(fields=('unit', 'period', 'metric', 'slot'),
                                                                name='oversight_counter_key')],
                    },
                ),
            ],
        ),
    ]
