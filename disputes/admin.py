from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from office.admin import SharedSetupAdmin, TownshipScopedAdmin

from .models import Campaign, DisputeType, RiskLevel, ScreeningCadence


class SubTypeFormSet(BaseInlineFormSet):
    """A sub-type added under a category belongs to the category's owner from the start, so that its
    validation (DisputeType.clean: a sub-type sits under a category of its own list) sees that owner."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        sub = form.instance
        if sub.pk is None and sub.county_id is None and sub.township_id is None:
            sub.county_id, sub.township_id = self.instance.county_id, self.instance.township_id
        return form


class SubTypeInline(admin.TabularInline):
    model = DisputeType
    formset = SubTypeFormSet
    fk_name = "parent"
    extra = 0
    fields = ["name", "sort_order", "is_active"]


@admin.register(DisputeType)
class DisputeTypeAdmin(SharedSetupAdmin):
    list_display = ["name", "parent", "sort_order", "is_active", "county", "township"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["parent", "county", "township"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":  # a category of the administrator's lists (their own or inherited)
            kwargs["queryset"] = self.get_queryset(request).filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        # A sub-type added with a new category belongs to its owner, known only once the category is saved.
        for sub in formset.save(commit=False):
            if sub.county_id is None and sub.township_id is None:
                sub.county_id, sub.township_id = form.instance.county_id, form.instance.township_id
            sub.save()
        for sub in formset.deleted_objects:
            sub.delete()

    def get_inlines(self, request, obj):
        # Sub-types are edited under their category; a sub-type has none of its own.
        return [SubTypeInline] if obj is None or obj.parent_id is None else []


@admin.register(RiskLevel)
class RiskLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "code", "colour", "is_major", "is_active"]


@admin.register(ScreeningCadence)
class ScreeningCadenceAdmin(admin.ModelAdmin):
    list_display = ["scope", "kind", "anchor", "grace_days"]


@admin.register(Campaign)
class CampaignAdmin(TownshipScopedAdmin):
    list_display = ["name", "township", "starts_on", "ends_on", "created_by"]
    list_filter = ["township"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# Screening rounds and the ledger are not in the admin: they are read on their own pages, masked,
# within the township (docs/domain.md §8).
