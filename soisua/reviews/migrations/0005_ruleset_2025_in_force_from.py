"""The shipped 2025 rule set is dated by its documents, not by the moment the database was installed."""

from django.db import migrations

from soisua.reviews.rule_set_data import in_force_from, read_data


def redate(apps, schema_editor):
    data = read_data("ruleset_2025.json")
    apps.get_model("reviews", "RuleSet").objects.filter(code=data["code"], copied_from=None).update(
        published_at=in_force_from(data))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0004_self_reviews_feedback_ratings")]
    operations = [migrations.RunPython(redate, migrations.RunPython.noop)]
