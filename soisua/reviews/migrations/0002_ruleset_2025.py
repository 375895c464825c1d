"""Ship the 2025 rule set (Quy định 366-QĐ/TW, Hướng dẫn 43-HD/BTCTW) as published data."""

from django.db import migrations
from soisua.reviews.rule_set_data import in_force_from, load_rule_set, read_data


def load(apps, schema_editor):
    RuleSet = apps.get_model("reviews", "RuleSet")
    data = read_data("ruleset_2025.json")
    if not RuleSet.objects.filter(code=data["code"]).exists():
        load_rule_set(data, get_model=apps.get_model, published_at=in_force_from(data))


def unload(apps, schema_editor):
    apps.get_model("reviews", "RuleSet").objects.filter(code="2025", copies=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
