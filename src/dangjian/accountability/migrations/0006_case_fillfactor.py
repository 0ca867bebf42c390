"""Room in each page of the cases table (PostgreSQL's fillfactor): a sweep's climb changes only a
case's step and deadline, no indexed column, so with room on its page the new version is a HOT
update, which writes none of the table's seven indexes. SQLite has no such setting."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accountability_case SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE accountability_case RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("accountability", "0005_history_case_index")]
    operations = [migrations.RunPython(forwards, backwards)]
