"""Role rights for people's mediation. Idempotent: the browser tests re-run ``seed``."""
from django.db import migrations

from office.roles import COORDINATOR, HANDLER, LEADER, MEDIATOR, grant

_SEE = ["disputes.view_mediationcase", "disputes.add_mediationcase"]
MEDIATION_PERMISSIONS = {
    # Mediators run the cases they are appointed to (人民调解法 Art 19).
    MEDIATOR: _SEE + ["disputes.mediate_mediationcase", "disputes.route_mediationcase"],
    # The center supervises: mediators, extensions, return visits, archive.
    COORDINATOR: _SEE + ["disputes.supervise_mediationcase", "disputes.route_mediationcase"],
    LEADER: _SEE + ["disputes.route_mediationcase"],
    # A handler opens mediation from a petition referred to them.
    HANDLER: _SEE,
}


def seed(apps, schema_editor):
    grant(apps, MEDIATION_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0003_mediation"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
