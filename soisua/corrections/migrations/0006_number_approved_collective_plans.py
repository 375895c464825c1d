"""Approved collective correction plans get their unit's plan numbers (KH) in the order approved
(docs/documents.md, "Numbers")."""

from django.db import migrations

from soisua.documents.backfill import Issued, number_issued


def number_plans(apps, schema_editor):
    plans = apps.get_model("corrections", "CorrectionPlan").objects.filter(
        member__isnull=True, status="approved", decided_at__isnull=False)
    number_issued(apps, "corrections", "correctionplan", [
        Issued(plan.pk, plan.unit_id, "KH", plan.decided_at,
               f"Kế hoạch khắc phục hạn chế, khuyết điểm của {plan.unit.name}")
        for plan in plans.select_related("unit")])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_document_number_register"),
        ("corrections", "0005_collective_responsibility_step_due_label"),
    ]

    operations = [migrations.RunPython(number_plans, migrations.RunPython.noop)]
