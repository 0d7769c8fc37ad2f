from django.contrib import admin

from office.admin import SharedSetupAdmin, TownshipScopedAdmin

from .models import Campaign, DisputeType, RiskLevel, ScreeningCadence


class SubTypeInline(admin.TabularInline):
    model = DisputeType
    fk_name = "parent"
    extra = 0
    fields = ["name", "sort_order", "is_active"]


@admin.register(DisputeType)
class DisputeTypeAdmin(SharedSetupAdmin):
    list_display = ["name", "parent", "sort_order", "is_active"]
    list_filter = ["is_active", ("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    list_select_related = ["parent"]

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
