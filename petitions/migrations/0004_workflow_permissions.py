from django.db import migrations

from office.roles import COORDINATOR, HANDLER, LEADER, grant

PERMISSIONS = {
    LEADER: ["petitions.decide_petition", "petitions.supervise_petition"],
    COORDINATOR: ["petitions.supervise_petition"],
    HANDLER: ["petitions.handle_petition"],
}


def seed(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0003_workflow")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
