"""The unit kinds of the 2025 structure (docs/domain.md, "The organisation tree"), plus the district level that
older data carries."""

from django.db import migrations

KINDS = [
    # code, name, English name, abbreviation, holds members, province level
    ("central", "Ban Chấp hành Trung ương", "Central Committee", "TW", False, False),
    ("province", "Đảng bộ tỉnh, thành phố", "Provincial committee", "TU", False, True),
    ("district", "Đảng bộ huyện (trước 7/2025)", "District committee (before 7/2025)", "HU", False, False),
    ("bloc", "Đảng bộ khối", "Bloc committee", "ĐUK", False, False),
    ("commune", "Đảng bộ xã, phường, đặc khu", "Commune committee", "ĐU", False, False),
    ("grassroots", "Đảng bộ cơ sở", "Grassroots committee", "ĐU", False, False),
    ("grassroots_cell", "Chi bộ cơ sở", "Grassroots cell", "CB", True, False),
    ("section", "Đảng bộ bộ phận", "Section committee", "ĐUBP", False, False),
    ("cell", "Chi bộ", "Cell", "CB", True, False),
    ("group", "Tổ đảng", "Party group", "TĐ", False, False),
]


def add_kinds(apps, schema_editor):
    UnitKind = apps.get_model("org", "UnitKind")
    for order, (code, name, name_en, abbreviation, holds_members, is_province) in enumerate(KINDS):
        UnitKind.objects.update_or_create(code=code, defaults={
            "name": name, "name_en": name_en, "abbreviation": abbreviation, "holds_members": holds_members,
            "is_province": is_province, "order": order * 10,
        })


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
