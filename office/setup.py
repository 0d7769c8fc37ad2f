"""The shared lists a township inherits (docs/domain.md §10): content categories, dispute types, calendar
overrides and the years whose official holiday schedule is entered.

The one rule. Each row has an owner: none (the deployment's standard list, kept by the superuser), a
county, or a township. The list a township uses is the standard list, then its county's rows, then its
own, merged by the row's ``list_key`` (a category's name; a dispute type's category name and name; an
override's date; a year): a more specific owner's row replaces the row of the same key. So a township
adds an entry by adding its own row, renames or changes an inherited one by adding its own row of the
same name (the inherited one is then not offered), and drops one by adding its own *inactive* row of the
same name. Deleting its own row inherits again. Time limits and targets follow the same order through
``office.models.inherited_setup`` (one row, not a list).
"""
from django.db.models import Exists, OuterRef, Q


def owners_of(township=None, county_id=None):
    """The owners whose rows a township inherits, as one filter: the standard list, its county, itself.
    Without a township (a county's own staff): the standard list and the county's."""
    if township is not None:
        county_id = township.county_id
    scope = Q(county__isnull=True, township__isnull=True)
    if township is not None:
        scope |= Q(township_id=township.pk)
    if county_id is not None:
        scope |= Q(county_id=county_id)
    return scope


def _rank(row):
    return 2 if row.township_id else 1 if row.county_id else 0


def merge(rows):
    """The rows in force from the rows of several owners: per ``list_key``, the most specific owner's."""
    winners: dict = {}
    for row in rows:
        key = row.list_key
        if key not in winners or _rank(row) > _rank(winners[key]):
            winners[key] = row
    return list(winners.values())


def township_list(model, township=None, *, county_id=None, select_related=()):
    """The rows of ``model`` in force in the township (active or not), in the model's order: one query,
    kept on the township object for the rest of the request. ``county_id`` without a township: the
    county's list (what its own staff filter the townships' cases by)."""
    cache = f"_list_{model._meta.label_lower}"
    rows = getattr(township, cache, None)
    if rows is None:
        rows = merge(model.objects.filter(owners_of(township, county_id)).select_related(*select_related))
        if township is not None:
            setattr(township, cache, rows)
    return rows


def in_force(model, township=None, *, county_id=None):
    """The rows in force as one query (``merge`` in SQL, over the model's ``LIST_KEY_FIELDS``): a row is left
    out when a more specific owner in the township's chain has a row of the same key."""
    scope = owners_of(township, county_id)
    same_key = {name: OuterRef(name) for name in model.LIST_KEY_FIELDS}
    shadowing = model.objects.filter(scope, **same_key)
    by_township = Exists(shadowing.filter(township__isnull=False))
    by_county = Exists(shadowing.filter(county__isnull=False))
    return model.objects.filter(scope).exclude(Q(township__isnull=True) & by_township).exclude(
        Q(county__isnull=True, township__isnull=True) & by_county)


def choices_queryset(model, township=None, *, county_id=None, keep=None):
    """The active rows in force as a queryset, for a form's or a filter's choices (validated against it):
    one query when the choices are drawn. ``keep``: the id of the row a case already names, kept so that
    editing the case does not refuse it."""
    active = in_force(model, township, county_id=county_id).filter(is_active=True)
    return model.objects.filter(Q(pk__in=active.values("pk")) | Q(pk=keep)) if keep else active


# -- the data migration that gave the lists owners ---------------------------------------------------------

def give_lists_owners(apps, model_label, references, parent_field=None):
    """Give each row of a list that had no owner to the deployment's owners (docs/domain.md §10): the first
    county (or, with no county, the first township on its own) keeps the rows, so that no case moves; every
    other county and every township on its own gets a copy, and its townships' cases are repointed to
    their copy. ``references``: (model label, field name, township path) of each foreign key to the list.
    ``parent_field``: a list of two levels (dispute types): parents are copied first and children follow.
    With no township on file (a new deployment), the rows stay the standard list."""
    Model = apps.get_model(model_label)
    Township = apps.get_model("office", "Township")
    townships = list(Township.objects.order_by("pk").values_list("pk", "county_id"))
    owners = []
    for township_id, county_id in townships:
        owner = ("county", county_id) if county_id is not None else ("township", township_id)
        if owner not in owners:
            owners.append(owner)
    if not owners:
        return
    rows = list(Model.objects.filter(county__isnull=True, township__isnull=True).order_by("pk"))
    if parent_field:  # parents before children
        rows.sort(key=lambda row: getattr(row, f"{parent_field}_id") is not None)
    fields = [f.attname for f in Model._meta.concrete_fields if not f.primary_key]
    for kind, owner_id in owners[1:]:
        copies: dict = {}
        for row in rows:
            values = {name: getattr(row, name) for name in fields}
            values.update(county_id=owner_id if kind == "county" else None,
                          township_id=owner_id if kind == "township" else None)
            if parent_field and values[f"{parent_field}_id"] is not None:
                values[f"{parent_field}_id"] = copies[values[f"{parent_field}_id"]]
            copies[row.pk] = Model.objects.create(**values).pk
        their = [t for t, c in townships if (c == owner_id if kind == "county" else (c is None and t == owner_id))]
        for label, field, township_path in references:
            Referring = apps.get_model(label)
            for old_pk, new_pk in copies.items():
                Referring.objects.filter(**{f"{township_path}__in": their, f"{field}_id": old_pk}).update(
                    **{f"{field}_id": new_pk}
                )
    kind, owner_id = owners[0]
    Model.objects.filter(pk__in=[row.pk for row in rows]).update(**{f"{kind}_id": owner_id})

