from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import calendar
from .models import (
    AccessLog,
    CalendarOverride,
    CalendarYear,
    DocumentSeries,
    EscalationLevel,
    Person,
    Staff,
    Targets,
    TimeLimits,
    Township,
    Unit,
    Village,
)

admin.site.site_header = _("Township petition and dispute office — administration")
admin.site.site_title = _("Office administration")
admin.site.index_title = _("Setup")


class VillageInline(admin.TabularInline):
    model = Village
    extra = 0


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class DocumentSeriesInline(admin.TabularInline):
    model = DocumentSeries
    extra = 0


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: records that change only through their own pages and workflow."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only, with the record's history."""


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "code", "petition_organ", "review_organ", "phone", "go_live_on"]
    fields = ["name", "short_name", "code", "address", "phone", "go_live_on", "petition_organ", "review_organ"]
    inlines = [VillageInline, UnitInline, DocumentSeriesInline]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "township", "sort_order", "is_active"]
    list_filter = ["township", "is_active"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "township", "sort_order", "is_active"]
    list_filter = ["township", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "township", "unit", "village", "title", "ladder_level"]
    list_filter = ["township", "unit", "village", "user__groups"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user", "township", "unit", "village", "ladder_level"]
    autocomplete_fields = ["user"]


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "description"]


@admin.register(TimeLimits)
class TimeLimitsAdmin(admin.ModelAdmin):
    list_display = ["township", "decision_days", "unit_return_working_days", "handling_days", "extension_max_days"]


@admin.register(Targets)
class TargetsAdmin(admin.ModelAdmin):
    """系统管理 → 考核目标: the targets each figure is shown against (red below, green at or above)."""

    list_display = ["township", "participation", "mediation_success", "satisfaction", "mediation_satisfaction",
                    "timely_decision", "on_time_reply"]
    fields = ["township", *Targets.FIELDS]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"

    def changelist_view(self, request, extra_context=None):
        first, last = calendar.covered_years()
        messages.info(
            request,
            _(
                "The holiday package knows the official calendar for %(first)s–%(last)s. "
                "For later years it counts weekends and the statutory holidays as rest days and marks "
                "the dates it computes as provisional: enter the State Council's holidays and make-up "
                "working days here, then record the year under 'official holiday schedules entered'."
            )
            % {"first": first, "last": last},
        )
        return super().changelist_view(request, extra_context)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "note", "entered_at"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "action", "target", "row_count"]
    list_filter = ["action"]
    search_fields = ["user__username", "target"]
    readonly_fields = ["at", "user", "action", "target", "detail", "row_count"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sex", "village", "township"]
    list_filter = ["township", "village"]
    search_fields = ["name", "id_number", "phone"]
    list_select_related = ["village", "township"]
