"""Concluded inspections' typed numbers go in the inspecting body's register (docs/documents.md, "Numbers")."""

import datetime
import re

from django.db import migrations
from django.utils import timezone

from soisua.documents.backfill import Issued, number_issued

TYPED = re.compile(r"^\s*(\d{1,9})\s*(?:-\s*([^\W\d_]{1,10})\s*(?:/\s*(\S{1,30}))?)?\s*$")


def number_conclusions(apps, schema_editor):
    papers = []
    inspections = apps.get_model("oversight", "Inspection").objects.filter(
        status="concluded", conclusion_date__isnull=False).select_related("subject_unit")
    for inspection in inspections.order_by("conclusion_date", "pk"):
        match = TYPED.match(inspection.conclusion_number or "")
        if match is None:
            continue
        day = inspection.conclusion_date
        papers.append(Issued(
            inspection.pk, inspection.body_id, (match[2] or "KL").upper(),
            timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))),
            f"Kết luận {inspection.subject_unit.name} ngày {day:%d/%m/%Y}", number=int(match[1]),
            symbol=match[3] or None, year=day.year))
    number_issued(apps, "oversight", "inspection", papers)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("documents", "0003_document_number_register"),
        ("oversight", "0005_inspections"),
    ]

    operations = [migrations.RunPython(number_conclusions, migrations.RunPython.noop)]
