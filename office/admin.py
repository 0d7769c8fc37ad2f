"""/admin/ is for setting the office up (docs/domain.md §8): townships, villages, units, staff and
their logins and roles, the ladder, time limits, the calendar, categories and lists. Case records and
people are not here (they are read on their own pages, masked and logged). A 系统管理员 sees only
their own township's records; granting superuser is left to ``createsuperuser``; nobody changes
their own roles or active status here; every change of roles or status is recorded (office/accounts.py).
"""
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import accounts, calendar
from .models import (
    AccessLog,
    AccountChange,
    CalendarOverride,
    CalendarYear,
    DocumentSeries,
    EscalationLevel,
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
admin.site.index_template = "admin/office_index.html"


def admin_township_id(request):
    """The township a 系统管理员 administers; None for a superuser (every township)."""
    if request.user.is_superuser:
        return None
    staff = getattr(request.user, "staff", None)
    return staff.township_id if staff is not None else -1


class TownshipScopedAdmin(admin.ModelAdmin):
    """Only the administrator's own township's rows, and only it to choose (a superuser sees all)."""

    township_path = "township"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        township_id = admin_township_id(request)
        return queryset if township_id is None else queryset.filter(**{f"{self.township_path}_id": township_id})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        township_id = admin_township_id(request)
        if township_id is not None:
            if db_field.name == "township":
                kwargs["queryset"] = Township.objects.filter(pk=township_id)
            elif db_field.name in {"village", "unit"}:
                kwargs["queryset"] = db_field.remote_field.model.objects.filter(township_id=township_id)
            elif db_field.name == "user":
                kwargs["queryset"] = scoped_users(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def scoped_users(request):
    """The logins a 系统管理员 may see: their township's staff and logins not yet given a profile;
    never a superuser's (a superuser sees every login)."""
    users = get_user_model().objects.all()
    township_id = admin_township_id(request)
    if township_id is None:
        return users
    return users.filter(Q(staff__township_id=township_id) | Q(staff__isnull=True), is_superuser=False)


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
class TownshipAdmin(TownshipScopedAdmin):
    list_display = ["name", "short_name", "code", "petition_organ", "review_organ", "phone", "go_live_on"]
    fields = ["name", "short_name", "code", "address", "phone", "go_live_on", "petition_organ", "review_organ"]
    inlines = [VillageInline, UnitInline, DocumentSeriesInline]
    township_path = "pk"

    def get_queryset(self, request):
        queryset = admin.ModelAdmin.get_queryset(self, request)
        township_id = admin_township_id(request)
        return queryset if township_id is None else queryset.filter(pk=township_id)

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new township is set up by the server's superuser


@admin.register(Village)
class VillageAdmin(TownshipScopedAdmin):
    list_display = ["name", "township", "sort_order", "is_active"]
    list_filter = ["township", "is_active"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(TownshipScopedAdmin):
    list_display = ["name", "kind", "township", "sort_order", "is_active"]
    list_filter = ["township", "kind", "is_active"]
    search_fields = ["name"]


@admin.register(Staff)
class StaffAdmin(TownshipScopedAdmin):
    list_display = ["user", "display_name", "township", "unit", "village", "title", "ladder_level"]
    list_filter = ["unit", "village", "user__groups"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "title"]
    list_select_related = ["user", "township", "unit", "village", "ladder_level"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # One's own post and rung on the ladder are set by another administrator.
        if obj is not None and obj.user_id == request.user.pk and not request.user.is_superuser:
            return [field.name for field in Staff._meta.fields]
        return super().get_readonly_fields(request, obj)


@admin.register(EscalationLevel)
class EscalationLevelAdmin(admin.ModelAdmin):
    list_display = ["rank", "name", "description"]


@admin.register(TimeLimits)
class TimeLimitsAdmin(TownshipScopedAdmin):
    list_display = ["township", "decision_days", "unit_return_working_days", "handling_days", "extension_max_days"]


@admin.register(Targets)
class TargetsAdmin(TownshipScopedAdmin):
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
class AccessLogAdmin(TownshipScopedAdmin, ReadOnlyAdmin):
    list_display = ["at", "user", "action", "target", "row_count"]
    list_filter = ["action"]
    search_fields = ["user__username", "target"]
    readonly_fields = ["at", "user", "action", "target", "detail", "row_count"]
    township_path = "user__staff__township"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins: name, password, active, roles. No superuser box and no single permissions: superuser
    comes only from ``createsuperuser``, rights only with a role. One's own roles, active status and
    admin access are read-only (another administrator changes them)."""

    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Name"), {"fields": ("last_name", "first_name", "email")}),
        (_("Roles and access"), {"fields": ("is_active", "is_staff", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "last_name", "first_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return scoped_users(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += ["is_active", "is_staff", "groups"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        """Set another login's password (a forgotten one); recorded, for leaders to see."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account = self.get_object(request, unquote(id))
            if account is not None and account.pk != request.user.pk:
                accounts.record(account, AccountChange.Kind.PASSWORD, "", "", by=request.user)
        return response
