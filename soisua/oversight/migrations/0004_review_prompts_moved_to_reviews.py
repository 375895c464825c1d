# Review points moved to the reviews app (same table): only the state changes here.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0003_counter_moved_to_counters'),
        ('reviews', '0008_review_prompts_moved_here'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='ReviewPrompt')]),
    ]
