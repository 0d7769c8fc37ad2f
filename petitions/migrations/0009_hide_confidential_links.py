"""Take confidential cases out of what others see of a linked case (issue 13; docs/domain.md §2.1).

Before, a new case of the same person was flagged 重复信访 and its registration note named every
open earlier case, a confidential one included, for all who see the new case. Now a confidential
case never makes the flag nor appears in the note; this brings existing cases in line. The link
itself stays (the case page lists it only to those who may open it).
"""
import re

from django.db import migrations

NUMBER = re.compile(r"XF-\d{4}-\d{4,}")


def scrub(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    CaseEvent = apps.get_model("petitions", "CaseEvent")
    links = Petition.related_cases.through.objects.filter(to_petition__confidential=True)
    secret = {}
    for from_id, number in links.values_list("from_petition_id", "to_petition__number"):
        secret.setdefault(from_id, set()).add(number)
    for petition in Petition.objects.filter(pk__in=secret):
        for event in CaseEvent.objects.filter(petition=petition, action="registered"):
            kept = [n for n in NUMBER.findall(event.note) if n not in secret[petition.pk]]
            if kept == NUMBER.findall(event.note):
                continue
            if kept:
                numbers = NUMBER.findall(event.note)
                start = event.note.index(numbers[0])
                end = event.note.index(numbers[-1]) + len(numbers[-1])
                event.note = event.note[:start] + "、".join(kept) + event.note[end:]
            else:
                event.note = ""
            event.save(update_fields=["note"])
        repeat = Petition.related_cases.through.objects.filter(
            from_petition=petition, to_petition__confidential=False).exists()
        if petition.is_repeat and not repeat:
            petition.is_repeat = False
            petition.save(update_fields=["is_repeat"])


class Migration(migrations.Migration):
    dependencies = [("petitions", "0008_complained_village_and_staff")]

    operations = [migrations.RunPython(scrub, migrations.RunPython.noop)]
