from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0011_number_collective_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="review",
            name="citations",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
