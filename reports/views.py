"""The dashboard, the cases behind each figure, and the Excel exports."""
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.mediation import exports as mediation_exports
from disputes.mediation.filters import MediationFilter
from disputes.mediation.selectors import visible_cases
from disputes.screening.forms import ReferenceLists
from disputes.screening.selectors import visible_entries, with_list_relations
from jobs.exports import Export, serve_or_queue
from office.excel import xlsx_response
from office.models import AccessLog, Targets, TimeLimits
from office.navigation import section_roles
from office.pagination import keyset_page
from office.roles import COORDINATOR, LEADER, MEDIATOR, has_role
from office.views import require_section
from petitions import exports as petition_exports
from petitions import permissions as petition_permissions
from petitions import selectors as petition_selectors
from petitions.filters import PetitionFilter
from petitions.selectors import petition_list, visible_petitions

from . import exports, figures, selectors
from .forms import PeriodForm, YearForm
from .queues import menu_counts_for


def _sees(user, url_name):
    return has_role(user, *section_roles(url_name))


def dashboard(request):
    """The home page: my work, where the office stands, and its figures against their targets."""
    user = request.user
    township = user.staff.township
    if township is None:  # the county's own staff: their county's pages (docs/domain.md §10)
        return redirect("county:home" if _sees(user, "county:home") else "admin:index")
    today = timezone.localdate()
    soon = TimeLimits.for_township(township).due_soon_days
    form = PeriodForm(request.GET)  # empty: the current month
    period = form.period() if form.is_valid() else None
    context = {"form": form, "period": period, "today": today, "soon": soon, "go_live_on": township.go_live_on}
    office_view = has_role(user, COORDINATOR, LEADER)  # a post: the township office's own figures
    if petition_permissions.receives_major_reports(user):
        # Art 25: a red banner until a leader records that the matter was reported.
        context["major_unreported"], context["major_reported"] = petition_selectors.major_matters(user)
    sees_petitions = _sees(user, "petitions:index")
    mediator_home = has_role(user, MEDIATOR) and not office_view
    sees_disputes = not mediator_home and _sees(user, "disputes:index")
    # Every count of the page (states, figures, the two monthly charts) is read in the menu's one query.
    parts, rows, open_counts, read = selectors.dashboard_numbers(
        user, today, period, petitions=sees_petitions, disputes=sees_disputes,
        office_view=office_view and period is not None)
    menu = menu_counts_for(request, extra=parts, extra_rows=rows, open_counts=open_counts)
    numbers = read(menu)
    if sees_petitions:
        context["my_work"] = selectors.my_petition_work(user, today, soon)
        context["petition_states"] = numbers["petition_states"]
    if mediator_home:
        # A village mediator's home is their work: the round to file first, then their cases.
        context["mediator"] = selectors.mediator_home(user, today, soon)
    elif sees_disputes:
        context["entry_states"] = numbers["entry_states"]
        context["screening_period"], context["missing_rounds"] = selectors.missing_rounds(user, township, today,
                                                                                            numbers["cadence"])
    if office_view and period is not None:
        context["figures"] = numbers["figures"]
        context["charts"] = {
            "intake": numbers["intake"],
            "categories": numbers["categories"],
            "on_time": numbers["on_time"],
        }
        context["charts"]["types"], context["charts"]["risks"] = selectors.dispute_charts(user, period)
    return render(request, "reports/dashboard.html", context)


def index(request):
    """The reports section: exports and statistics for upward reporting."""
    require_section(request, "reports:index")
    return render(request, "reports/index.html", {"form": PeriodForm(request.GET or None),
                                                  "go_live_on": request.user.staff.township.go_live_on})


def figure_cases(request, key):
    """The cases behind one figure's numerator or denominator, for the chosen period."""
    require_section(request, "reports:index")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/figure_cases.html", {"form": form, "errors": True}, status=400)
    period, today = form.period(), timezone.localdate()
    part = "numerator" if request.GET.get("part") != "denominator" else "denominator"
    targets = Targets.for_township(request.user.staff.township)
    if key in figures.VISIT_FIGURES:
        rows, kind = figures.visit_rows(key, petitions=visible_petitions(request.user), cases=visible_cases(request.user),
                                        period=period, today=today, part=part), figures.VISIT_FIGURES[key]
        all_figures = (figures.petition_figures(visible_petitions(request.user), period, today, targets)
                       if key == "return_visit" else
                       figures.dispute_figures(visible_entries(request.user), visible_cases(request.user), period,
                                               today, targets))
    elif key in figures.DISPUTE_FIGURES | figures.MEDIATION_FIGURES:
        all_figures = figures.dispute_figures(visible_entries(request.user), visible_cases(request.user), period, today,
                                              targets)
        if key in figures.DISPUTE_FIGURES:
            rows = with_list_relations(figures.dispute_cases(visible_entries(request.user), key, period, part=part))
            rows, kind = rows.order_by("-found_on", "pk"), "entries"
        else:
            rows = figures.mediation_cases(visible_cases(request.user), key, period, part=part)
            rows, kind = rows.select_related("committee_village").order_by("-registered_on", "pk"), "mediation"
    else:
        all_figures = figures.petition_figures(visible_petitions(request.user), period, today, targets)
        try:
            rows = figures.petition_cases(petition_list(request.user), key, period, today, part=part)
        except KeyError:
            raise Http404
        rows = rows.order_by("-received_on", "-sequence")
        kind = "petitions"
    figure = next((f for f in all_figures if f.key == key), None)
    if figure is None:
        raise Http404
    page = keyset_page(request, rows, settings.FIGURE_CASES_PAGE_SIZE)
    return render(request, "reports/figure_cases.html", {
        "form": form, "figure": figure, "part": part, "page": page, "kind": kind, "period": period, "today": today,
    })


def require_export(request, section="reports:index"):
    """Exports need the section (the township's reports, or the county's pages) and the export right (and
    are logged by the caller)."""
    require_section(request, section)
    if not request.user.has_perm("office.export_data"):
        raise PermissionDenied


def export_period(request, title, section="reports:index"):
    """The prologue of a monthly export, the township's or the county's: the export right, then the month
    (or range) asked for. Returns (period, None), or (None, the form's errors as a 400 page)."""
    require_export(request, section)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return None, _bad_request(request, form, title)
    return form.period(), None


def export_year(request, title, section="reports:index"):
    """The prologue of a yearly export, the township's or the county's: the export right, then the year
    asked for (this year when none). Returns (year, None), or (None, the form's errors as a 400 page)."""
    require_export(request, section)
    form = YearForm(request.GET or {"year": timezone.localdate().year})
    if not form.is_valid():
        return None, _bad_request(request, form, title)
    return form.cleaned_data["year"], None


def _excel_response(request, excel, *, filename, target, detail):
    AccessLog.objects.create(user=request.user, action=AccessLog.Action.EXPORT, target=target, detail=detail,
                             row_count=excel.row_count)
    return xlsx_response(excel.content, filename)


def _bad_request(request, form, title):
    return render(request, "reports/export_error.html", {"form": form, "title": title}, status=400)


def _unit_name(user):
    staff = user.staff
    return str(staff.unit or staff.village or staff.township or staff.county)


def _masked(user):
    return not user.has_perm("office.view_personal_data")


def may_export(user):
    """The reports section's export right (checked again inside a background export)."""
    return has_role(user, *section_roles("reports:index")) and user.has_perm("office.export_data")


def petition_ledger_plan(request):
    """信访台账 for this user and the list's filters: an Export, or the filter form with its errors."""
    user = request.user
    township = user.staff.township
    petition_filter = PetitionFilter(request.GET or None, queryset=visible_petitions(user), township=township)
    if petition_filter.is_bound and not petition_filter.is_valid():
        return petition_filter.form
    petitions = petition_filter.qs if petition_filter.is_bound else visible_petitions(user)
    data = petition_filter.form.cleaned_data if petition_filter.is_bound else {}
    first, last = data.get("received_from"), data.get("received_to")
    period_text = f"{first or '…'} – {last or timezone.localdate()}"
    masked = _masked(user)

    def build(progress):
        return petition_exports.export_petition_ledger(
            petitions, township=township, period_text=period_text, unit_name=_unit_name(user), masked=masked,
            progress=progress)

    return Export(petitions, build, file_name=f"信访台账-{timezone.localdate():%Y%m%d}.xlsx",
                  log_target=_("Petition ledger"), log_detail={"filters": request.GET.dict(), "masked": masked})


def export_petition_ledger(request):
    """信访台账: the petition list as filtered on screen, one row per case (in the background when large)."""
    require_export(request)
    export = petition_ledger_plan(request)
    if not isinstance(export, Export):
        return _bad_request(request, export, _("Petition ledger"))
    return serve_or_queue(request, "petition_ledger", export)


def export_monthly(request):
    """月报: the monthly statistics for the chosen month (or range)."""
    period, error = export_period(request, _("Monthly statistics"))
    if error:
        return error
    township = request.user.staff.township
    excel = exports.export_monthly_report(visible_petitions(request.user), visible_entries(request.user), township=township,
                                  first=period.first, last=period.last, unit_name=_unit_name(request.user))
    return _excel_response(request, excel, filename=f"月报-{period.first:%Y%m}.xlsx", target=_("Monthly statistics"),
                           detail={"filters": request.GET.dict()})


def export_year_review(request):
    """年终考评表: one row per village for the year."""
    year, error = export_year(request, _("Year-end review"))
    if error:
        return error
    excel = exports.export_year_review(request.user.staff.township, year, unit_name=_unit_name(request.user))
    return _excel_response(request, excel, filename=f"年终考评表-{year}.xlsx", target=_("Year-end review"),
                           detail={"year": year})


def export_annual(request):
    """The annual report data of 信访工作条例 Art 41."""
    year, error = export_year(request, _("Annual report data"))
    if error:
        return error
    excel = exports.export_annual_report(visible_petitions(request.user), township=request.user.staff.township, year=year,
                                 unit_name=_unit_name(request.user))
    return _excel_response(request, excel, filename=f"信访工作年度报告数据-{year}.xlsx", target=_("Annual report data"),
                           detail={"year": year})


def mediation_ledger_plan(request):
    """调解台账 for this user and the list's filters: an Export, or the filter form with its errors."""
    user = request.user
    cases = visible_cases(user)
    found = MediationFilter(request.GET or None, queryset=cases, request=request, refs=ReferenceLists.for_user(request.user))
    if found.is_bound and not found.is_valid():
        return found.form
    cases = found.qs if found.is_bound else cases
    masked = _masked(user)

    def build(progress):
        return mediation_exports.export_mediation_ledger(
            cases, township=user.staff.township, period_text=str(timezone.localdate()),
            unit_name=_unit_name(user), masked=masked, progress=progress)

    return Export(cases, build, file_name=f"调解台账-{timezone.localdate():%Y%m%d}.xlsx",
                  log_target=_("Mediation ledger"), log_detail={"filters": request.GET.dict()})


def export_mediation_ledger(request):
    """调解台账: the mediation list as filtered on screen, one row per case (in the background when large)."""
    require_export(request)
    export = mediation_ledger_plan(request)
    if not isinstance(export, Export):
        return _bad_request(request, export, _("Mediation ledger"))
    return serve_or_queue(request, "mediation_ledger", export)
