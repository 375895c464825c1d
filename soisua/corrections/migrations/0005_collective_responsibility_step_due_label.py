from django.db import migrations, models


def collective_is_not_individual(apps, schema_editor):
    """A unit's own shortcoming was recorded as an individual's responsibility by default, so its page said
    "Individual" where the board said "Collective": it is the collective's."""
    Shortcoming = apps.get_model("corrections", "Shortcoming")
    Shortcoming.objects.filter(member__isnull=True, responsibility_kind="individual").update(
        responsibility_kind="collective")


class Migration(migrations.Migration):

    dependencies = [
        ('corrections', '0004_shortcoming_followed_by'),
    ]

    operations = [
        migrations.AlterField(
            model_name='roadmapstep',
            name='due',
            field=models.DateField(verbose_name='due by'),
        ),
        migrations.RunPython(collective_is_not_individual, migrations.RunPython.noop),
    ]
