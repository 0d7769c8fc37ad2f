"""The 系统管理员 no longer reads or edits people (docs/domain.md §8): people are read on the case
pages, masked and logged, never in the admin. Revokes what 0004 granted."""
from django.db import migrations

REVOKED = ["view_person", "change_person", "view_historicalperson"]


def seed(apps, schema_editor):
    """Idempotent: remove the rights if the group still has them."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="系统管理员").first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="office", codename__in=REVOKED))


class Migration(migrations.Migration):
    dependencies = [("office", "0009_account_change")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
