"""Where each unit kind may stand (docs/domain.md, "The organisation tree"): the kinds that may be the top unit,
and the kinds each kind may be placed under. Data, like the kinds: the next reform changes rows, not code."""

from django.db import migrations, models

ROOTS = ["central", "province"]
# kind: the kinds it may be placed under.
PARENTS = {
    "central": [],
    "province": ["central"],
    "district": ["province"],
    "bloc": ["central", "province"],
    "commune": ["province", "district"],
    "grassroots": ["commune", "bloc", "district"],
    "grassroots_cell": ["commune", "bloc", "district"],
    # Commune committees were grassroots committees in the 2023 structure, with sections of their own.
    "section": ["grassroots", "commune"],
    "cell": ["commune", "grassroots", "section", "bloc"],
    "group": ["cell", "grassroots_cell"],
}


def add_parents(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    UnitKind.objects.filter(code__in=ROOTS).update(may_be_root=True)
    for code, parents in PARENTS.items():
        if code in kinds:
            kinds[code].allowed_parents.set([kinds[parent] for parent in parents if parent in kinds])


class Migration(migrations.Migration):

    dependencies = [
        ("org", "0007_stand_ins"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitkind",
            name="may_be_root",
            field=models.BooleanField(default=False, help_text="A unit of this kind may stand at the top of the "
                                      "installation's tree.", verbose_name="may be the top unit"),
        ),
        migrations.AddField(
            model_name="unitkind",
            name="allowed_parents",
            field=models.ManyToManyField(blank=True, related_name="allowed_children", to="org.unitkind",
                                         verbose_name="allowed parent kinds"),
        ),
        migrations.RunPython(add_parents, migrations.RunPython.noop),
    ]
