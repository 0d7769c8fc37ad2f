"""Every petition rule checks a model permission (docs/architecture.md §3): two new rights, and the
attachment right, given to the role groups that held them as roles. Idempotent: the browser tests
re-run ``seed``."""
from django.db import migrations

from office.roles import CLERK, COORDINATOR, LEADER, grant

PERMISSIONS = {
    # The center's desk: propose the decision, serve the reply, record the opinion, archive.
    CLERK: ["petitions.process_petition", "petitions.add_attachment"],
    COORDINATOR: ["petitions.process_petition", "petitions.follow_up_petition", "petitions.add_attachment"],
    LEADER: ["petitions.add_attachment"],
}


def seed(apps, schema_editor):
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0006_case_kit")]

    operations = [
        migrations.AlterModelOptions(
            name="petition",
            options={
                "ordering": ["-received_on", "-sequence"],
                "permissions": [
                    ("register_petition", "Can register petitions"),
                    ("decide_petition", "Can sign off decisions, extensions, replies and reopenings"),
                    ("supervise_petition", "Can route and supervise petitions"),
                    ("handle_petition", "Can handle petitions referred to the unit"),
                    ("process_petition", "Can propose decisions, serve replies, record opinions and archive petitions"),
                    ("follow_up_petition", "Can request extensions and record return visits for petitions"),
                ],
                "verbose_name": "petition",
                "verbose_name_plural": "petitions",
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
