from django.db import migrations

from office.roles import OFFICE_PERMISSIONS, grant

# docs/domain.md §2.4: the township's seven-level escalation ladder (七级调防员).
LADDER = [
    (1, "村综治（调委会）主任"),
    (2, "村主要领导"),
    (3, "驻村干部"),
    (4, "驻村第一书记"),
    (5, "分管第一责任人"),
    (6, "相关单位责任人"),
    (7, "镇主要领导"),
]


def seed(apps, schema_editor):
    EscalationLevel = apps.get_model("office", "EscalationLevel")
    for rank, name in LADDER:
        EscalationLevel.objects.get_or_create(rank=rank, defaults={"name": name})
    grant(apps, OFFICE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("office", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
