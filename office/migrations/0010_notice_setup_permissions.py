from django.db import migrations

from office.roles import NOTICE_SETUP_PERMISSIONS, grant


def seed(apps, schema_editor):
    grant(apps, NOTICE_SETUP_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("office", "0009_calendar_year_document_numbers_township_organs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
