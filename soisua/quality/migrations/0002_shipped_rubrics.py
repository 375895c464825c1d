"""The criteria versions the product ships (soisua/quality/data/rubrics.json): the national framework of Hướng dẫn
12-HD/BTCTW (06/7/2018) as carried into Chỉ thị 50-CT/TW and Hướng dẫn 42-HD/BTCTW (28/10/2025), without points,
and a 100-point version of provincial practice (Đảng ủy Khối các cơ quan tỉnh Phú Thọ's scheme)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "rubrics.json"


def ship(apps, schema_editor):
    Rubric = apps.get_model("quality", "QualityRubric")
    Criterion = apps.get_model("quality", "QualityCriterion")
    for version in json.loads(DATA.read_text(encoding="utf-8")):
        if Rubric.objects.filter(code=version["code"]).exists():
            continue
        rubric = Rubric.objects.create(
            code=version["code"], name=version["name"], valid_from=version["valid_from"],
            documents=version["documents"], source=version["source"], scored=version["scored"],
            bands=version["bands"], is_default=version["is_default"])
        Criterion.objects.bulk_create([
            Criterion(rubric=rubric, code=item["code"], order=order, group=item["group"], text=item["text"],
                      max_points=item["points"], measure=item["measure"], threshold=item["threshold"])
            for order, item in enumerate(version["criteria"], start=1)])


class Migration(migrations.Migration):

    dependencies = [
        ("quality", "0001_meeting_quality"),
    ]

    operations = [
        migrations.RunPython(ship, migrations.RunPython.noop),
    ]
