"""The county's pages (docs/domain.md §10): the roll-up of its townships and the cases behind each number.

Every page is the 县级督办's (the menu's 县级汇总 section, ``county:home``); a township outside the user's
county is a 404, and nothing here changes a case (the county reads; the township acts).
"""
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from disputes.mediation.selectors import visible_cases
from disputes.screening.selectors import visible_entries, with_list_relations
from disputes.screening.views import compliance_page
from office.pagination import keyset_page
from office.views import require_section
from petitions import services as petition_services
from petitions.permissions import can_register
from petitions.selectors import visible_petitions

from . import county, exports, figures
from .forms import AssignDownForm, PeriodForm

SECTION = "county:home"
from .views import _excel_response, _unit_name, export_period, export_year


def export_monthly(request):
    """The county's 月报: a summary sheet by township, then one sheet per township (reports/exports.py)."""
    period, error = export_period(request, _("Monthly statistics"), SECTION)
    if error:
        return error
    excel = exports.export_county_monthly(
        visible_petitions(request.user), county=request.user.staff.county,
        townships=list(county.county_townships(request.user)), first=period.first, last=period.last,
        unit_name=_unit_name(request.user))
    return _excel_response(request, excel, filename=f"县月报-{period.first:%Y%m}.xlsx", target=_("Monthly statistics"),
                           detail={"filters": request.GET.dict(), "county": request.user.staff.county_id})


def export_year_review(request):
    """The county's 年终考评表: a summary line per township, then each township's review by village."""
    year, error = export_year(request, _("Year-end review"), SECTION)
    if error:
        return error
    excel = exports.export_county_year_review(request.user.staff.county, list(county.county_townships(request.user)),
                                              year, unit_name=_unit_name(request.user))
    return _excel_response(request, excel, filename=f"县年终考评表-{year}.xlsx", target=_("Year-end review"),
                           detail={"year": year, "county": request.user.staff.county_id})


def home(request):
    """One row per township: open, overdue, due soon, unreported major matters, missing rounds, figures."""
    require_section(request, SECTION)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/county_home.html", {"form": form, "errors": True}, status=400)
    period, today = form.period(), timezone.localdate()
    rows, totals = county.rollup(request.user, period, today)
    return render(request, "reports/county_home.html", {
        "form": form, "period": period, "today": today, "rows": rows, "totals": totals,
        "count_labels": county.COUNTS, "county": request.user.staff.county,
    })


def township_cases(request, township, key):
    """The cases behind one number of one township's row: a count, or a figure's numerator or denominator."""
    require_section(request, SECTION)
    township = get_object_or_404(county.county_townships(request.user).select_related(*county.SETUP), pk=township)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/figure_cases.html", {"form": form, "errors": True}, status=400)
    period, today = form.period(), timezone.localdate()
    user = request.user
    context = {"form": form, "period": period, "today": today, "township": township}
    if key in county.COUNTS:
        rows = county.count_cases(user, township, key, today).select_related("township").order_by("due_on", "pk")
        page = keyset_page(request, rows, settings.FIGURE_CASES_PAGE_SIZE)
        return render(request, "reports/county_cases.html", {**context, "label": county.COUNTS[key], "page": page})
    if key not in county.ASSESSED:
        raise Http404
    part = "numerator" if request.GET.get("part") != "denominator" else "denominator"
    figure = next(f for f in county.township_figures(user, township, period, today) if f.key == key)
    if key in figures.VISIT_FIGURES:
        rows, kind = figures.visit_rows(
            key, petitions=visible_petitions(user).filter(township=township),
            cases=visible_cases(user).filter(township=township), period=period, today=today, part=part,
        ), figures.VISIT_FIGURES[key]
    elif key in figures.DISPUTE_FIGURES:
        entries = visible_entries(user).filter(township=township)
        rows, kind = with_list_relations(figures.dispute_cases(entries, key, period, part=part)).order_by(
            "-found_on", "pk"), "entries"
    elif key in figures.MEDIATION_FIGURES:
        cases = visible_cases(user).filter(township=township)
        rows, kind = figures.mediation_cases(cases, key, period, part=part).select_related(
            "committee_village").order_by("-registered_on", "pk"), "mediation"
    else:
        petitions = visible_petitions(user).filter(township=township)
        rows = figures.petition_cases(petitions, key, period, today, part=part).order_by("-received_on", "-sequence")
        kind = "petitions"
    page = keyset_page(request, rows, settings.FIGURE_CASES_PAGE_SIZE)
    return render(request, "reports/figure_cases.html", {**context, "figure": figure, "part": part, "page": page,
                                                         "kind": kind})


def township_rounds(request, township):
    """The villages behind a township's 未报排查轮次 (screening rounds not filed): its who-has-filed board,
    read-only, each filed round opening its page (docs/domain.md §10)."""
    require_section(request, SECTION)
    township = get_object_or_404(county.county_townships(request.user).select_related(*county.SETUP), pk=township)
    return compliance_page(request, township)


def assign(request):
    """交办 / 转送: register a petition at the county for one of its townships (petitions/services.py
    assign_down); GET shows the form, POST registers it and opens the case."""
    require_section(request, SECTION)
    if not can_register(request.user):
        raise PermissionDenied
    kwargs = {"townships": county.county_townships(request.user), "county": request.user.staff.county}
    form = AssignDownForm(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            petition = petition_services.assign_down(by=request.user, township=form.cleaned_data["township"],
                                                     data=form.petition_data(), petitioners=form.petitioners())
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("%(number)s was sent to %(township)s.") % {
                "number": petition.number, "township": petition.township.name})
            return redirect("petitions:detail", pk=petition.pk)
    return render(request, "reports/county_assign.html", {"form": form}, status=400 if form.errors else 200)
