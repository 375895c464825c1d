from django.db import migrations, models


def mark_groups(apps, schema_editor):
    apps.get_model("org", "UnitKind").objects.filter(code="group").update(within_cell=True)


class Migration(migrations.Migration):
    dependencies = [("org", "0003_versions")]
    operations = [
        migrations.AddField(
            model_name="unitkind", name="within_cell",
            field=models.BooleanField(default=False, help_text="Units of this kind divide a cell, like party groups.",
                                      verbose_name="inside a cell")),
        migrations.RunPython(mark_groups, migrations.RunPython.noop),
    ]
