from django.db import migrations

from soisua.alerts.defaults import DEFAULT_RULES


def add_rules(apps, schema_editor):
    Rule = apps.get_model("alerts", "Rule")
    UnitKind = apps.get_model("org", "UnitKind")
    kinds = {kind.code: kind for kind in UnitKind.objects.all()}
    for code, (threshold, period, age_under, receiver) in DEFAULT_RULES.items():
        if not Rule.objects.filter(kind=code).exists() and receiver in kinds:
            Rule.objects.create(kind=code, threshold=threshold, period=period, age_under=age_under,
                                receiver=kinds[receiver])


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("org", "0006_unitkind_is_grassroots")]
    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
