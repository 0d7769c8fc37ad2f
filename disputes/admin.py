from django.contrib import admin

from office.admin import ReadOnlyHistoryAdmin

from .models import (
    Campaign,
    DisputeType,
    LedgerEntry,
    RiskLevel,
    ScreeningCadence,
    ScreeningRound,
)


class SubTypeInline(admin.TabularInline):
    model = DisputeType
    fk_name = "parent"
    extra = 0
    fields = ["name", "sort_order", "is_active"]


@admin.register(DisputeType)
class DisputeTypeAdmin(admin.ModelAdmin):
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
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "township", "starts_on", "ends_on", "created_by"]
    list_filter = ["township"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ScreeningRound)
class ScreeningRoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "township", "starts_on", "ends_on", "zero_report", "filed_by", "filed_at"]
    list_filter = ["township", "kind", "zero_report"]
    list_select_related = ["township", "village", "campaign", "filed_by"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "township", "village", "dispute_type", "risk_level", "status", "found_on", "deadline"]
    list_filter = ["township", "status", "risk_level"]
    search_fields = ["title"]
    list_select_related = ["township", "village", "dispute_type__parent", "risk_level"]
