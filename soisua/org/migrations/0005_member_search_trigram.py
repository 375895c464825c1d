"""On PostgreSQL, a trigram index serves the member search (`search_name LIKE '%…%'`) at national scale."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS org_member_search_trgm ON org_member "
                              "USING gin (search_name gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS org_member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("org", "0004_unitkind_within_cell")]
    operations = [migrations.RunPython(create, drop)]
