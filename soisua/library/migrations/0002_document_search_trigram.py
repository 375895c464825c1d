"""On PostgreSQL, a trigram index serves the library's search (`search_text LIKE '%…%'`) over a large subtree."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS library_doc_search_trgm ON library_librarydocument "
                              "USING gin (search_text gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS library_doc_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("library", "0001_documents_bookmarks_and_study")]
    operations = [migrations.RunPython(create, drop)]
