from django.db import migrations

# SQLite only (docs/architecture.md "Menu counts"): the menu's and the dashboard's counts over the open cases
# read these columns of each open case. PostgreSQL reads them from the partial covering index
# petition_open_menu (its INCLUDE columns); SQLite has no INCLUDE, so Django does not create that index there,
# and a partial index is of no use either: Django binds the open states as parameters, and SQLite only uses a
# partial index whose WHERE it can match against literal values. This index has every column the counts
# read as a key, so SQLite counts from the index alone (township, then each state): at 100,000 cases the
# clerk's menu went from 47 to 12 ms (bench/README.md).
NAME = "petition_menu_sqlite"
COLUMNS = ("township_id", "status", "due_on", "counts_from", "return_count", "confidential", "registered_by_id",
           "handler_id", "assigned_unit_id", "assigned_village_id", "complained_unit_id", "complained_village_id")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON petitions_petition ({', '.join(COLUMNS)})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("petitions", "0023_returnvisit_due"),
    ]

    operations = [migrations.RunPython(create, drop)]
