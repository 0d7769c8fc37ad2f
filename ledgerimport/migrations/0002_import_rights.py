"""Who imports ledgers: administrators and the township center (综治中心). Idempotent: the browser tests re-run ``seed``."""
from django.db import migrations

from office.roles import ADMIN, COORDINATOR, grant

IMPORT_PERMISSIONS = {
    ADMIN: ["ledgerimport.import_ledger"],
    COORDINATOR: ["ledgerimport.import_ledger"],
}


def seed(apps, schema_editor):
    grant(apps, IMPORT_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("ledgerimport", "0001_ledger_import"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
