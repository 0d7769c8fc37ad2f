"""The ledger's events spell the acting user like the other event tables (actor, not by)."""
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("disputes", "0004_mediation_rights")]

    operations = [migrations.RenameField("entryevent", "by", "actor")]
