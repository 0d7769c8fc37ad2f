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
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import accounts, calendar
from .models import (
    AccessLog,
    AccountChange,
    CalendarOverride,
    CalendarYear,
    County,
    DocumentSeries,
    EscalationLevel,
    Staff,
    Targets,
    TimeLimits,
    Township,
    Unit,
    Village,
)
from .roles import COUNTY_ADMIN, administered_logins, administered_townships, county_scope
from .setup import owners_of

admin.site.site_header = _("Township petition and dispute office — administration")
admin.site.site_title = _("Office administration")
admin.site.index_title = _("Setup")
admin.site.index_template = "admin/office_index.html"


def admin_townships(request):
    """The ids of the townships an administrator administers (office/roles.py ``administered_townships``):
    a 系统管理员 their own, a 县级管理员 their county's (docs/domain.md §10); None for a superuser (all)."""
    return administered_townships(request.user)


def admin_county(request):
    """The county a 县级管理员 administers (its id), else None."""
    return county_scope(request.user, COUNTY_ADMIN)


class TownshipScopedAdmin(admin.ModelAdmin):
    """Only the rows of the townships the administrator administers, and only those to choose (a
    superuser sees all). ``county_path``: the rows of a model a county may own too (its own setup,
    docs/domain.md §10), shown to that county's 县级管理员."""

    township_path = "township"
    county_path: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = admin_townships(request)
        if ids is None:
            return queryset
        scope = Q(**{f"{self.township_path}__in": ids})
        county_id = admin_county(request)
        if self.county_path and county_id is not None:
            scope |= Q(**{self.county_path: county_id})
        return queryset.filter(scope)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = admin_townships(request)
        if ids is not None:
            if db_field.name == "township":
                kwargs["queryset"] = Township.objects.filter(pk__in=ids)
            elif db_field.name == "county":
                kwargs["queryset"] = County.objects.filter(pk=admin_county(request) or -1)
            elif db_field.name in {"village", "unit"}:
                kwargs["queryset"] = db_field.remote_field.model.objects.filter(township_id__in=ids)
            elif db_field.name == "user":
                kwargs["queryset"] = scoped_users(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def scoped_users(request):
    """The logins an administrator may see: their townships' staff (and their county's own, for a
    县级管理员) and logins not yet given a profile; never a superuser's (a superuser sees every login)."""
    users = get_user_model().objects.all()
    scope = administered_logins(request.user)  # the one rule (lockouts and account changes too)
    if scope is None:
        return users
    return users.filter(scope | Q(staff__isnull=True, is_superuser=False))


class SharedSetupAdmin(TownshipScopedAdmin):
    """A list a township inherits (content categories, dispute types, the calendar; office/setup.py,
    docs/domain.md §10). A 县级管理员 changes the county's rows and its townships' own; a township's
    系统管理员 changes the township's own and reads the county's; both read the deployment's standard list,
    which only the superuser changes. Nobody sees another county's rows or another township's."""

    county_path = "county_id"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)  # the rows the administrator owns (TownshipScopedAdmin)
        if admin_townships(request) is None:
            return queryset
        staff = getattr(request.user, "staff", None)
        # The rows inherited: the standard list's and the county's (office/setup.py owners_of, the one rule).
        inherited = owners_of(staff.township if staff is not None else None,
                              staff.county_id if staff is not None else None)
        return queryset | self.model.objects.filter(inherited)

    def owns(self, request, obj):
        """True when the administrator may change this row: their county's, or one of their townships'."""
        ids = admin_townships(request)
        if ids is None:
            return True
        if obj.township_id is not None:
            return obj.township_id in ids
        return obj.county_id is not None and obj.county_id == admin_county(request)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self.owns(request, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self.owns(request, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and admin_county(request) is None:
            fields += ["county", "township"]  # a township's administrator adds to their own township's list
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.user.is_superuser or admin_county(request) is None:
            return form

        class OwnerRequired(form):  # type: ignore[misc,valid-type]  # the admin's form class, made per request
            def clean(self):
                cleaned = super().clean()
                if not cleaned.get("county") and not cleaned.get("township"):
                    raise ValidationError(_("Choose the county or the township this entry belongs to."))
                return cleaned

        return OwnerRequired

    def save_model(self, request, obj, form, change):
        staff = getattr(request.user, "staff", None)
        if not change and not request.user.is_superuser and admin_county(request) is None and staff is not None:
            obj.township_id = staff.township_id
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if admin_county(request) is not None:
            initial.setdefault("county", admin_county(request))
        return initial


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    """系统管理 → 县: a 县级管理员 renames their own county; counties are added by the superuser."""

    list_display = ["name", "short_name", "code"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk=admin_county(request) or -1)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


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
    list_display = ["name", "county", "short_name", "code", "petition_organ", "review_organ", "phone", "go_live_on"]
    fields = ["name", "county", "short_name", "code", "address", "phone", "go_live_on", "petition_organ",
              "review_organ"]
    inlines = [VillageInline, UnitInline, DocumentSeriesInline]
    township_path = "pk"

    def get_readonly_fields(self, request, obj=None):
        # Which county a township belongs to is the superuser's, or the county's when it adds one.
        if request.user.is_superuser or (obj is None and admin_county(request) is not None):
            return []
        return ["county"]

    def save_model(self, request, obj, form, change):
        county_id = admin_county(request)
        if county_id is not None and not change:
            obj.county_id = county_id  # a 县级管理员 adds townships to their own county only
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        # A new township is set up by the server's superuser, or by a 县级管理员 in their county.
        return request.user.is_superuser or (admin_county(request) is not None and super().has_add_permission(request))


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
    list_display = ["user", "display_name", "township", "county", "unit", "village", "title", "ladder_level"]
    county_path = "county_id"
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
    """A township's own row overrides its county's (docs/domain.md §10); without one it follows the county."""

    county_path = "county_id"
    list_display = ["township", "county", "decision_days", "unit_return_working_days", "handling_days", "extension_max_days"]


@admin.register(Targets)
class TargetsAdmin(TownshipScopedAdmin):
    """系统管理 → 考核目标: the targets each figure is shown against (red below, green at or above)."""

    county_path = "county_id"
    list_display = ["township", "county", "participation", "mediation_success", "satisfaction", "mediation_satisfaction",
                    "timely_decision", "on_time_reply"]
    fields = ["township", "county", *Targets.FIELDS]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(SharedSetupAdmin):
    list_display = ["date", "is_working_day", "note", "county", "township"]
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
class CalendarYearAdmin(SharedSetupAdmin):
    list_display = ["year", "note", "county", "township", "entered_at"]


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
