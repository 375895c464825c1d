"""Ship rule set 2025.2: the official wording of the checklists where it was found (each item says whether and
where it was checked), the forcing conditions and levels of Quy định 366-QĐ/TW, and the forms of Hướng dẫn
43-HD/BTCTW (2A for leaders, 2B for other members, 2C outside the political system, 05 quarterly). Cycles opened
under the 2025 set keep it; an open one moves only on request (`move_cycle_rules`)."""

from django.db import migrations

from soisua.reviews.rule_set_data import in_force_from, load_rule_set, read_data


def load(apps, schema_editor):
    data = read_data("ruleset_2025_2.json")
    if not apps.get_model("reviews", "RuleSet").objects.filter(code=data["code"]).exists():
        load_rule_set(data, get_model=apps.get_model, published_at=in_force_from(data))


def unload(apps, schema_editor):
    apps.get_model("reviews", "RuleSet").objects.filter(code="2025.2", cycles=None, copies=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0009_rules_with_sources_and_facts")]
    operations = [migrations.RunPython(load, unload)]
