# Review points moved here from the oversight app; their table keeps its name, so only the state changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0006_unitkind_is_grassroots'),
        ('oversight', '0003_counter_moved_to_counters'),
        ('reviews', '0007_reviews_on_paper_and_excluded'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewPrompt',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name='ID')),
                        ('text', models.TextField(verbose_name='review point')),
                        ('answer', models.TextField(blank=True, verbose_name='answer')),
                        ('answered_at', models.DateTimeField(blank=True, null=True)),
                        ('sent_at', models.DateTimeField(auto_now_add=True)),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                    related_name='prompts', to='reviews.cycle')),
                        ('from_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                        related_name='+', to='org.unit',
                                                        verbose_name='sent by unit')),
                        ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                     related_name='prompts', to='reviews.review')),
                        ('sent_by', models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.SET_NULL,
                                                      related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'review point',
                        'verbose_name_plural': 'review points',
                        'ordering': ['sent_at', 'id'],
                        'db_table': 'oversight_reviewprompt',
                    },
                ),
            ],
        ),
    ]
