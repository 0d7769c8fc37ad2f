from django.db import migrations

from office.roles import PERSON_PERMISSIONS, grant


def seed(apps, schema_editor):
    grant(apps, PERSON_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("office", "0003_person")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
