from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0002_plans_documents_speakers_minutes'),
    ]

    operations = [
        migrations.AddField(
            model_name='attendance',
            name='check_in_proof',
            field=models.UUIDField(blank=True, editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.UniqueConstraint(condition=models.Q(('check_in_proof__isnull', False)), fields=('meeting', 'check_in_proof'), name='meetings_one_check_in_per_proof'),
        ),
    ]
