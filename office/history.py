"""Field history (django-simple-history) in words, for every case page."""
from django.utils.translation import gettext as _

from .models import display_name
from .onequery import fetch_together


def join_items(items):
    """List items (an agreement's terms) as one sentence: "甲；乙。", never "甲。；乙。"."""
    parts = [str(item).strip().rstrip("。；;，,. ") for item in items]
    parts = [part for part in parts if part]
    return "；".join(parts) + "。" if parts else ""


def changes_in_words(records, model, hidden):
    """Return [{"record", "changes": [(label, old, new)]}] oldest first: what each simple-history row
    changed, as a clerk reads it — choice labels, names of related records (one query for every related
    model together), 是/否 for flags; fields in ``hidden`` are left out."""
    records = list(records)
    related: dict = {}
    diffs = []
    for previous, record in zip([None, *records], records):
        changes = [] if previous is None else [
            change for change in record.diff_against(previous).changes if change.field not in hidden
        ]
        diffs.append((record, changes))
        for change in changes:
            field = model._meta.get_field(change.field)
            if field.is_relation:
                related.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
    found = fetch_together({rel: rel._default_manager.filter(pk__in=ids) for rel, ids in related.items()})
    names = {rel: {obj.pk: obj for obj in objects} for rel, objects in found.items()}

    def words(field, value):
        if value in (None, "", []):
            return ""
        if field.is_relation:
            obj = names[field.related_model].get(value)
            return display_name(obj) if hasattr(obj, "last_name") else str(obj or value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, list):
            return join_items(value)
        return value

    return [
        {"record": record, "changes": [
            (model._meta.get_field(c.field).verbose_name, words(model._meta.get_field(c.field), c.old),
             words(model._meta.get_field(c.field), c.new))
            for c in changes
        ]}
        for record, changes in diffs
    ]
