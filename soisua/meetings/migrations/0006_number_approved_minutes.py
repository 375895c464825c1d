"""Approved minutes get their cell's numbers (BB) in the order approved (docs/documents.md, "Numbers")."""

from django.db import migrations

from soisua.documents.backfill import Issued, number_issued


def number_minutes(apps, schema_editor):
    minutes = apps.get_model("meetings", "Minutes").objects.filter(status="approved", approved_at__isnull=False)
    number_issued(apps, "meetings", "meeting", [
        Issued(item.meeting_id, item.meeting.unit_id, "BB", item.approved_at,
               f"Biên bản {item.meeting.title} ngày {item.approved_at:%d/%m/%Y}")
        for item in minutes.select_related("meeting")])


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_document_number_register"),
        ("meetings", "0005_ship_rules_2025_and_fill_roll_status"),
    ]

    operations = [migrations.RunPython(number_minutes, migrations.RunPython.noop)]
