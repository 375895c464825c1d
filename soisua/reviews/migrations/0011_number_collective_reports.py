"""Submitted collective reviews get their unit's report numbers (BC) in the order submitted (docs/documents.md,
"Numbers")."""

from django.db import migrations

from soisua.documents.backfill import Issued, number_issued


def number_reports(apps, schema_editor):
    reviews = apps.get_model("reviews", "Review").objects.filter(member__isnull=True, status="submitted",
                                                                 submitted_at__isnull=False)
    number_issued(apps, "reviews", "review", [
        Issued(review.pk, review.unit_id, "BC", review.submitted_at,
               f"Báo cáo kiểm điểm tập thể {review.unit.name}, {review.cycle.title}")
        for review in reviews.select_related("unit", "cycle")])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_document_number_register"),
        ("reviews", "0010_ruleset_2025_2"),
    ]

    operations = [migrations.RunPython(number_reports, migrations.RunPython.noop)]
