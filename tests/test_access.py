"""Every route, as every role of two townships (issue 13): a confidential case reaches nobody it must
be kept from, whatever the route — case pages, related-case lists, timelines, the intake lookup,
lists and searches, figure drill-downs, exports, PDFs and notifications.

The URL patterns come from the resolver; each is filled with real objects of every kind and
requested (GET) by every user. ``ROUTES`` says, for each URL name, what it shows and who may open
it; a URL missing from it fails ``test_every_url_has_an_expectation``. The visibility of each
object is written out by hand in ``SEES``: the test does not ask the code who may see what.

One data set for the module (built once, rolled back at the end); /admin/ is only checked to
answer nobody but administrators (its contents are another test's business).
"""
import datetime
import io
import re
import zipfile
from contextlib import ExitStack
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pypdf import PdfWriter

from disputes.mediation import services as mediation_services
from disputes.models import MediationCase
from office.models import County, EscalationLevel, IssuedDocument, Notification, Staff
from office.roles import (
    ADMIN,
    CLERK,
    COORDINATOR,
    COUNTY_ADMIN,
    COUNTY_CLERK,
    COUNTY_SUPERVISOR,
    HANDLER,
    LEADER,
    MEDIATOR,
    ROLE_GROUPS,
)
from petitions import services as petition_services
from petitions import workflow
from petitions.models import Petition
from petitions.selectors import QUEUE_LABELS
from reports import figures
from tests.builders import make_township, make_user, petition_data, valid_id_number
from tests.disputes.builders import found_entry
from tests.disputes.mediation.builders import case_data, case_in

# Each test runs in its own savepoint inside the module's data set (``world``).
pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
START, END = "2026-01-01", "2026-12-31"

# The whistle-blowers: names that appear nowhere else in the data set.
W1, W2, W3 = "苗秀英", "韩立群", "钟文澜"

A_USERS = ["clerk_a", "clerk_a2", "coord_a", "leader_a", "justice_named", "justice_other", "police",
           "village_head", "mediator_q", "mediator_l", "admin_a"]
B_USERS = ["clerk_b", "coord_b", "leader_b", "handler_b", "mediator_b", "admin_b"]
# The two townships belong to two counties (docs/domain.md §10): each county's 县级督办, and 青溪镇's
# county's administrator.
COUNTY_USERS = ["county_a", "countyadmin_a", "countyclerk_a", "county_b"]
COUNTY_EXPORT = {"county_a", "county_b"}
COUNTY = COUNTY_EXPORT | {"countyclerk_a"}
USERS = A_USERS + B_USERS + COUNTY_USERS
ADMINS = {"admin_a", "admin_b"}

A_CENTER = {"clerk_a", "clerk_a2", "coord_a", "leader_a"}
A_TOWNSHIP_WIDE = {"coord_a", "leader_a", "justice_named", "justice_other", "police", "village_head"}

# Who may open each object, by hand (docs/domain.md §5).
SEES = {
    "petition:plain": A_CENTER | {"justice_named", "justice_other", "county_a", "countyclerk_a"},  # to 司法所
    "petition:r_unit": {"clerk_a", "leader_a", "justice_named"},            # 检举控告 against 派出所, named handler
    "petition:r_village": {"clerk_a", "leader_a"},                          # against 青溪村 and its head
    "petition:r_med": {"clerk_a", "leader_a"},                              # 检举控告 with a mediation case
    "petition:later": A_CENTER | {"police", "county_a", "countyclerk_a"},   # W3's later petition, linked to r_med
    "petition:b_plain": {"clerk_b", "coord_b", "leader_b", "county_b"},
    # The county pages of each township: its county's 县级督办 only (a 404 for the other county's).
    "county:township": {"county_a", "countyclerk_a"},
    "county:township_b": {"county_b"},
    # The county's readers read 青溪镇's disputes too (docs/domain.md §10), never a case from a 检举控告.
    "mediation:m_plain": A_TOWNSHIP_WIDE | {"mediator_q", "county_a", "countyclerk_a"},
    "mediation:m_secret": {"leader_a"},                                     # opened from r_med before the rule
    "entry:entry": A_TOWNSHIP_WIDE | {"mediator_q", "county_a", "countyclerk_a"},
    "import:a": {"coord_a", "admin_a"},                                     # a ledger upload of 青溪镇, not imported
    "job:a": {"coord_a"},                                                   # a background export: its starter alone
}
# A dossier's job is seen by whoever sees its case (docs/architecture.md §14).
SEES["job:dossier_r_unit"] = SEES["petition:r_unit"]
SEES["job:dossier_plain"] = SEES["petition:plain"]
SEES["job:case_file_m_secret"] = SEES["mediation:m_secret"]
SEES["nobody"] = set()
SEES["attachment:r_unit"] = SEES["petition:r_unit"]
SEES["petition_doc:r_unit"] = SEES["petition:r_unit"]
SEES["petition_doc:plain"] = SEES["petition:plain"]


def secrets(world):
    """Each secret string, and who may receive it."""
    p = world["petitions"]
    m = world["mediations"]
    return {
        p["r_unit"].number: SEES["petition:r_unit"],
        W1: SEES["petition:r_unit"],
        p["r_village"].number: SEES["petition:r_village"],
        W2: SEES["petition:r_village"],
        p["r_med"].number: SEES["petition:r_med"] | SEES["mediation:m_secret"],
        m["m_secret"].number: SEES["mediation:m_secret"] | SEES["petition:r_med"],  # listed on r_med's page
        W3: SEES["petition:r_med"] | SEES["petition:later"] | SEES["mediation:m_secret"],
        # Links to the cases, which a search echoing its own query term cannot hide behind.
        **{f'href="/petitions/{p[key].pk}/"': SEES[f"petition:{key}"] for key in ("r_unit", "r_village", "r_med")},
        f'href="/disputes/mediation/{m["m_secret"].pk}/"': SEES["mediation:m_secret"] | SEES["petition:r_med"],
    }


# --- the expected table -------------------------------------------------------------------------
# URL name -> (what fills it, who gets 200).
#   kind: None (no object), "petition", "petition_doc", "attachment", "mediation", "entry", "queue",
#         "figure", "lookup".
#   who: "object" (200 exactly for those in SEES for the object; 403/404 for everyone else),
#        "object_action" (those who see the object: a page, a redirect, 403 or 405, never 404;
#         everyone else 403/404), "post" (GET answers 405 or 404), or a set of user keys (200 for them,
#         302/403/404/405 for the rest).
PETITIONS = A_CENTER | {"justice_named", "justice_other", "police", "village_head"} | {"clerk_b", "coord_b", "leader_b", "handler_b"}
DISPUTES = A_TOWNSHIP_WIDE | {"mediator_q", "mediator_l"} | {"coord_b", "leader_b", "handler_b", "mediator_b"}
REPORTS = {"coord_a", "leader_a", "coord_b", "leader_b"}
IMPORTERS = {"coord_a", "coord_b"} | ADMINS
REGISTER = {"clerk_a", "clerk_a2", "coord_a", "clerk_b", "coord_b"}
EVERYONE = set(USERS)

ROUTES = {
    "home": (None, EVERYONE),
    "login": (None, "public"),
    "logout": (None, "post"),
    "password_change": (None, EVERYONE),
    "password_change_done": (None, EVERYONE),
    "healthz": (None, "public"),
    "notifications": (None, EVERYONE),
    "open_notification": ("notification", "post"),
    "read_all_notifications": (None, "post"),
    "petitions:index": ("search", PETITIONS),
    "petitions:register": (None, REGISTER),
    "petitions:lookup": ("lookup", REGISTER),
    "petitions:decision_due": (None, PETITIONS),  # a date computed from the received date, nothing more
    "petitions:detail": ("petition", "object"),
    "petitions:edit": ("petition", "object_action"),
    "petitions:show_personal": ("petition", "post"),
    "petitions:add_attachment": ("petition", "post"),
    "petitions:registration_pdf": ("petition", "object"),
    "petitions:download_attachment": ("attachment", "object"),
    "petitions:download_document": ("petition_doc", "object"),
    "petitions:queue": ("queue", "queue"),
    **{f"petitions:{action}": ("petition", "object_action") for action in (
        "propose_decision", "approve_decision", "reject_decision", "assign", "sign_for", "return_referral",
        "add_note", "supervise", "record_supervision_result", "request_extension", "approve_extension",
        "reject_extension", "submit_reply", "approve_reply", "reject_reply", "serve_reply", "record_opinion",
        "close_evaluation", "record_return_visit", "archive", "reopen", "raise_escalation", "decide_escalation",
        "mark_major", "report_major", "report_back",
    )},
    "petitions:reply_preview": ("petition", "object_action"),  # 403 where there is no reply to preview
    "escalation_queue": (None, "queue"),  # 提级至我处: those who hold a rank of the ladder, else 403
    # The county's administrator too, for the logins of its townships and its own staff (docs/domain.md §10).
    "account_changes": (None, {"leader_a", "leader_b", "countyadmin_a"} | ADMINS),
    "lockouts": (None, ADMINS | {"countyadmin_a"}),
    "unlock": ("notification", "post"),
    "keep_session": (None, "post"),
    # 导入台账: the administrators and the centers, each in their own township.
    "ledgerimport:index": (None, IMPORTERS),
    "ledgerimport:batches": (None, IMPORTERS),
    "ledgerimport:template": ("import_kind", IMPORTERS),
    "ledgerimport:batch": ("import_batch", "object_action"),
    "ledgerimport:mapping": ("import_batch", "object_action"),
    "ledgerimport:preview": ("import_batch", "object_action"),
    "ledgerimport:value_map": ("import_batch", "post"),
    "ledgerimport:confirm": ("import_batch", "post"),
    "ledgerimport:undo": ("import_batch", "post"),
    # 我的后台任务: everyone has the list (of their own jobs); a job answers only the user who started it,
    # or, a dossier's, whoever sees its case.
    "jobs:index": (None, EVERYONE),
    "jobs:detail": ("job", "object"),
    "jobs:progress": ("job", "object"),
    "jobs:download": ("job_file", "object"),
    "jobs:retry": ("job", "post"),
    "disputes:index": (None, DISPUTES | COUNTY),  # the county's readers: the ledger of their townships
    "disputes:export": (None, "section"),
    "disputes:round_list": (None, DISPUTES | COUNTY),
    "disputes:round_new": (None, "section"),
    "disputes:round_detail": ("round", "object_action"),
    "disputes:round_withdraw": ("round", "post"),
    "disputes:entry_detail": ("entry", "object"),
    "disputes:entry_show_personal": ("entry", "post"),
    **{f"disputes:entry_{action}": ("entry", "object_action") for action in (
        "edit", "add_party", "resolve", "mark_unresolved", "transfer", "meeting", "mediation", "open_mediation")},
    "disputes:compliance": (None, "section"),
    "disputes:campaign_new": (None, "section"),
    "disputes:brief": (None, "section"),
    "disputes:brief_pdf": (None, "section"),
    "disputes:mediation_list": (None, DISPUTES | COUNTY),
    "disputes:mediation_queue": (None, "section"),
    "disputes:mediation_new": (None, "section"),
    "disputes:mediation_from_petition": ("petition", "object_action"),
    "disputes:mediation_detail": ("mediation", "object"),
    "disputes:mediation_show_personal": ("mediation", "post"),
    "disputes:mediation_application_pdf": ("mediation", "object"),
    **{f"disputes:mediation_{action}": ("mediation", "object_action") for action in (
        "agreement", "correct", "start", "assign_mediators", "record_session", "extend",
        "raise_escalation", "decide_escalation", "finalise_agreement", "record_oral_agreement",
        "record_signatures", "record_performance", "apply_confirmation", "record_confirmation",
        "record_return_visit", "terminate", "transfer_to_police", "archive")},
    "disputes:mediation_document": ("mediation_doc", "object_action"),
    "disputes:mediation_draft_pdf": ("mediation", "object_sub"),  # 404 where the case has no agreement
    "disputes:mediation_visit_pdf": ("mediation_visit", "object_action"),
    "reports:index": (None, REPORTS),
    "reports:figure_cases": ("figure", REPORTS),
    "reports:export_petitions": (None, REPORTS),
    "reports:export_monthly": (None, REPORTS),
    "reports:export_mediation": (None, REPORTS),
    "reports:export_year_review": (None, REPORTS),
    "reports:export_annual": (None, REPORTS),
    # The county's pages (docs/domain.md §10): only its 县级督办.
    "county:home": (None, COUNTY),
    "county:township_cases": ("county", "object"),
    "county:township_rounds": ("county_township", "object"),  # the villages behind 未报排查轮次
    "county:export_monthly": (None, COUNTY_EXPORT),
    "county:export_year_review": (None, COUNTY_EXPORT),
    "county:assign": (None, {"countyclerk_a"}),
}


def walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), namespace + (entry.name or "")


def project_routes():
    """(route, URL name) of every pattern outside /admin/."""
    return [(route, name) for route, name in walk(get_resolver().url_patterns) if not route.startswith("admin")]


def admin_routes():
    return [route for route, _name in walk(get_resolver().url_patterns) if route.startswith("admin")]


def test_every_url_has_an_expectation():
    names = {name for _route, name in project_routes()}
    missing = sorted(names - set(ROUTES))
    assert not missing, f"add these URLs to ROUTES in tests/test_access.py: {missing}"
    assert not sorted(set(ROUTES) - names), "ROUTES names URLs that no longer exist"


# --- the data set --------------------------------------------------------------------------------


def _register(by, whistle_blower=None, **overrides):
    name, id_number, phone = whistle_blower or ("王普通", valid_id_number(7), "13800000007")
    data = petition_data(received_on=NOW.date() - datetime.timedelta(days=2), **overrides)
    petition, _ = petition_services.register_petition(
        by=by, data=data, petitioners=[{"name": name, "id_number": id_number, "phone": phone}])
    return petition


def _accept(petition, world):
    u = world["users"]
    workflow.propose_decision(petition, by=u["clerk_a"], decision="accept", reasons="符合受理条件")
    workflow.approve_decision(petition, by=u["leader_a"])
    petition.refresh_from_db()
    return petition


def _county_user(role, county, **extra):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=f"{role}{county.code}", **extra)
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))
    Staff.objects.create(user=user, county=county)
    return user


def build_world():
    a = make_township()
    b = make_township(name="白石乡", short_name="白石", villages=("白石村",))
    county_a = County.objects.create(name="清河县", short_name="清河", code="qinghe")
    county_b = County.objects.create(name="白水县", short_name="白水", code="baishui")
    a.county, b.county = county_a, county_b
    a.save()
    b.save()
    center, justice, police = (a.units.get(kind=k) for k in ("center", "justice", "police"))
    qingxi, liutang = a.villages.get(name="青溪村"), a.villages.get(name="柳塘村")
    top = EscalationLevel.objects.get(rank=5)
    first = EscalationLevel.objects.get(rank=1)
    users = {
        "clerk_a": make_user(CLERK, a, unit=center), "clerk_a2": make_user(CLERK, a, unit=center),
        "coord_a": make_user(COORDINATOR, a, unit=center), "leader_a": make_user(LEADER, a, unit=center, ladder_level=top),
        "justice_named": make_user(HANDLER, a, unit=justice), "justice_other": make_user(HANDLER, a, unit=justice),
        "police": make_user(HANDLER, a, unit=police), "village_head": make_user(HANDLER, a, village=qingxi),
        "mediator_q": make_user(MEDIATOR, a, village=qingxi, ladder_level=first),
        "mediator_l": make_user(MEDIATOR, a, village=liutang),
        "admin_a": make_user(ADMIN, a, unit=center, is_staff=True),
        "clerk_b": make_user(CLERK, b), "coord_b": make_user(COORDINATOR, b), "leader_b": make_user(LEADER, b),
        "handler_b": make_user(HANDLER, b, unit=b.units.get(kind="justice")),
        "mediator_b": make_user(MEDIATOR, b, village=b.villages.get()),
        "admin_b": make_user(ADMIN, b, is_staff=True),
        "county_a": _county_user(COUNTY_SUPERVISOR, county_a),
        "countyadmin_a": _county_user(COUNTY_ADMIN, county_a, is_staff=True),
        "countyclerk_a": _county_user(COUNTY_CLERK, county_a),
        "county_b": _county_user(COUNTY_SUPERVISOR, county_b),
    }
    world = {"users": users}
    u = users
    # The whistle-blowers' ID numbers come from an area no builder uses: the builders number people from a
    # counter, and a party whose number met a whistle-blower's would be the same person (office/people.py).
    whistle = {W1: (W1, valid_id_number(101, area="330108"), "13900000101"),
               W2: (W2, valid_id_number(102, area="330108"), "13900000102"),
               W3: (W3, valid_id_number(103, area="330108"), "13900000103")}
    report = Petition.Purpose.REPORT
    p = {}
    p["plain"] = _accept(_register(u["clerk_a"]), world)
    workflow.assign_petition(p["plain"], by=u["leader_a"], instruction="请司法所调查。", lead_leader=u["leader_a"],
                             unit=justice)
    p["r_unit"] = _accept(_register(u["clerk_a"], whistle[W1], purpose=report, title="反映派出所民警违规收费",
                                    complained_unit=police), world)
    workflow.assign_petition(p["r_unit"], by=u["leader_a"], instruction="请司法所核查。", lead_leader=u["leader_a"],
                             unit=justice, handler=u["justice_named"])
    workflow.supervise_petition(p["r_unit"], by=u["leader_a"], kind="supervision", note="督办：请尽快核实。")
    petition_services.add_attachment(p["r_unit"], by=u["clerk_a"], kind="letter",
                                      upload=SimpleUploadedFile("letter.pdf", b"%PDF-1.4 test", "application/pdf"))
    p["r_village"] = _accept(_register(u["clerk_a"], whistle[W2], purpose=report, title="反映村主任侵占集体收益",
                                       complained_village=qingxi, complained_staff=[u["village_head"]]), world)
    p["r_med"] = _accept(_register(u["clerk_a"], whistle[W3], purpose=report, title="反映派出所不作为",
                                   complained_unit=police), world)
    # A mediation case opened from r_med before mediation from a confidential case was refused.
    m = {"m_secret": mediation_services._open(
        by=u["leader_a"], township=a, petition=p["r_med"],
        data=case_data([u["mediator_l"]], village=liutang, source=MediationCase.Source.PETITION),
        parties=[mediation_services.CaseParty(role="applicant", person=p["r_med"].parties.get().person),
                 mediation_services.CaseParty(role="respondent", name="赵被申")])}
    # W3 comes back with another matter: linked to r_med (the clerk may see it), referred to the police.
    p["later"] = _accept(_register(u["clerk_a"], whistle[W3], title="宅基地确权"), world)
    workflow.assign_petition(p["later"], by=u["leader_a"], instruction="请派出所协助。", lead_leader=u["leader_a"],
                             unit=police)
    p["b_plain"] = _register(u["clerk_b"])
    # A case with everything a mediation has: an issued agreement and a return visit.
    m["m_plain"] = case_in(u["mediator_q"], MediationCase.Status.VISITED)
    world["mediation_document"] = IssuedDocument.objects.filter(
        object_id=m["m_plain"].pk, content_type__model="mediationagreement").first() or IssuedDocument.objects.filter(
        object_id=m["m_plain"].pk, content_type__model="mediationcase").first()
    world["mediation_visit"] = m["m_plain"].return_visits.first()
    world.update(
        township=a, township_b=b, petitions=p, mediations=m,
        entries={"entry": found_entry(u["mediator_q"])},
        attachments={"r_unit": p["r_unit"].attachments.get()},
        documents={key: IssuedDocument.objects.filter(object_id=p[key].pk, content_type__model="petition").first()
                   for key in ("r_unit", "plain")},
    )
    # An old ledger uploaded by 青溪镇's center, not yet imported (导入台账: its mapping and preview pages).
    from ledgerimport import services as import_services

    ledger = "收到日期,信访人姓名,联系电话,标题\n2026-03-05,宋玉兰,13912345678,宅基地界址纠纷\n".encode("utf-8")
    world["import_batch"], _ledger = import_services.start(by=u["coord_a"], kind="petitions",
                                                           file_name="旧台账.csv", data=ledger)
    # A petition ledger exported in the background by 青溪镇's center (run at once by the test backend).
    from jobs.services import start_job

    world["job"] = start_job(by=u["coord_a"], kind="petition_ledger", params={})
    assert world["job"].status == "done", world["job"].error
    # Dossier jobs that failed (their page shows the error and 重试): visible as their case is.
    from django.contrib.contenttypes.models import ContentType

    from jobs.models import Job

    def failed_dossier(kind, case, by):
        return Job.objects.create(township=case.township, created_by=by, kind=kind, label="卷宗", status="failed",
                                  error="卷宗未能生成。", subject_type=ContentType.objects.get_for_model(case),
                                  subject_id=case.pk)

    world["dossier_jobs"] = {
        "dossier_r_unit": failed_dossier("petition_dossier", p["r_unit"], u["clerk_a"]),
        "dossier_plain": failed_dossier("petition_dossier", p["plain"], u["clerk_a"]),
        "case_file_m_secret": failed_dossier("mediation_case_file", m["m_secret"], u["leader_a"]),
    }
    for key in p:
        p[key].refresh_from_db()
    return world


def blank_pdf(template_name, context):
    """A one-page blank PDF: issuing documents is not what this module tests, and WeasyPrint is slow."""
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False):
        with transaction.atomic():
            # Notifications are sent on commit; issued documents need a real (if blank) PDF.
            with TestCase.captureOnCommitCallbacks(execute=True), mock.patch("office.documents.render_pdf", blank_pdf):
                built = build_world()
            built["secrets"] = secrets(built)
            yield built
            transaction.set_rollback(True)


# --- filling the patterns ------------------------------------------------------------------------


def _import_fills(kind, world):
    if kind == "county":  # each township's open cases and a figure; a county user sees its own county's only
        return [(f"county:{key}", {"township": world[key].pk, "key": what}, f"start={START}&end={END}")
                for key in ("township", "township_b") for what in ("open", "timely_decision")]
    if kind == "county_township":
        return [(f"county:{key}", {"township": world[key].pk}, "") for key in ("township", "township_b")]
    if kind == "job_file":
        return [("job:a", {"pk": world["job"].pk}, "")]
    if kind == "job":
        return [("job:a", {"pk": world["job"].pk}, "")] + [
            (f"job:{key}", {"pk": job.pk}, "") for key, job in world["dossier_jobs"].items()]
    if kind == "import_batch":
        return [("import:a", {"pk": world["import_batch"].pk}, "")]
    return [("", {"kind": ledger}, "") for ledger in ("petitions", "screening", "mediation")]


def fills(kind, world):
    """(label, kwargs, query string) for each object of a kind; label keys SEES."""
    p, m = world["petitions"], world["mediations"]
    if kind is None:
        return [("", {}, "")]
    if kind == "petition":
        return [(f"petition:{key}", {"pk": obj.pk}, "") for key, obj in p.items()]
    if kind == "petition_doc":
        return [(f"petition_doc:{key}", {"pk": p[key].pk, "document_id": doc.pk}, "")
                for key, doc in world["documents"].items()]
    if kind == "attachment":
        return [(f"attachment:{key}", {"pk": obj.pk}, "") for key, obj in world["attachments"].items()]
    if kind == "mediation":
        return [(f"mediation:{key}", {"pk": obj.pk}, "") for key, obj in m.items()]
    if kind in ("mediation_doc", "mediation_visit"):
        # m_plain's own agreement or visit; the same id through m_secret must answer nobody.
        field, value = (("document_id", world["mediation_document"].pk) if kind == "mediation_doc"
                        else ("visit_id", world["mediation_visit"].pk))
        return [("mediation:m_plain", {"pk": m["m_plain"].pk, field: value}, ""),
                ("nobody", {"pk": m["m_secret"].pk, field: value}, "")]
    if kind == "entry":
        return [(f"entry:{key}", {"pk": obj.pk}, "") for key, obj in world["entries"].items()]
    if kind == "round":
        return [(f"entry:{key}", {"pk": obj.first_round_id}, "") for key, obj in world["entries"].items()]
    if kind == "queue":
        return [(f"queue:{slug}", {"queue": slug}, "") for slug in QUEUE_LABELS]
    if kind == "figure":
        period = f"start={START}&end={END}"
        keys = [row[0] for row in figures.PETITION_FIGURES] + sorted(figures.DISPUTE_FIGURES | figures.MEDIATION_FIGURES)
        return [(f"figure:{key}", {"key": key}, f"{period}&part={part}")
                for key in keys for part in ("numerator", "denominator")]
    if kind == "search":  # the list, and a search for each secret (number, name, phone)
        p = world["petitions"]
        queries = [p["r_unit"].number, p["r_med"].number, W1, W2, W3, "13900000101", "confidential=true"]
        return [("", {}, "")] + [(f"search:{q}", {}, q if "=" in q else f"q={q}") for q in queries]
    if kind == "lookup":
        people = [(W1, "13900000101"), (W2, "13900000102"), (W3, "13900000103")]
        return [(f"lookup:{name}", {}, f"row=p0&p0-name={name}&p0-phone={phone}&p0-village=") for name, phone in people]
    if kind.startswith("import_") or kind in ("county", "county_township", "job", "job_file"):
        return _import_fills(kind, world)
    if kind == "notification":
        return [("notification", {"pk": Notification.objects.order_by("pk").values_list("pk", flat=True).first()}, "")]
    raise AssertionError(kind)


def body_text(response):
    """What the user received, as text: pages, Excel workbooks (unzipped) and 'PDFs' (see fake_pdf)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def fake_pdf(template_name, context):
    """Render a working print as HTML rather than PDF: fast, and its text can be searched."""
    return render_to_string(template_name, context).encode()


OK_FOR_VIEWER = {200, 302, 403, 405}
HIDDEN = {403, 404}


def expected(who, label, user_key, status):
    """Return an error message if ``status`` is wrong for this user, else ""."""
    if who == "public":
        return "" if status in (200, 302, 405) else f"public page answered {status}"
    if who == "post":
        return "" if status in (404, 405) else f"GET of a POST-only URL answered {status}"
    if who == "object_sub":
        sees = user_key in SEES[label]
        if sees:
            return "" if status in OK_FOR_VIEWER | {404} else f"may see {label} but got {status}"
        return "" if status in HIDDEN else f"may NOT see {label} but got {status}"
    if who in ("object", "object_action"):
        sees = user_key in SEES[label]
        if who == "object" and sees:
            return "" if status == 200 else f"may see {label} but got {status}"
        if sees:
            return "" if status in OK_FOR_VIEWER else f"may see {label} but got {status}"
        return "" if status in HIDDEN else f"may NOT see {label} but got {status}"
    if who == "queue":
        return "" if status in {200, 403, 404} else f"queue answered {status}"
    if who == "section":  # a disputes page: inside the section the page's own right decides
        if user_key in DISPUTES:
            return "" if status in {200, 302, 403} else f"disputes page answered {status}"
        return "" if status in {403, 404} else f"outside the disputes section, got {status}"
    allowed = who
    if user_key in allowed:
        return "" if status in (200, 302) else f"expected 200 for {user_key}, got {status}"
    return "" if status in {302, 403, 404, 405} else f"expected a refusal for {user_key}, got {status}"


def test_every_route_as_every_role(world):
    users = world["users"]
    secret_map = world["secrets"]
    clients = {}
    for key in USERS:
        clients[key] = Client()
        clients[key].force_login(users[key])
    anonymous = Client()
    failures = []
    with ExitStack() as stack:
        stack.enter_context(time_machine.travel(NOW, tick=False))
        for module in ("petitions.documents", "disputes.mediation.documents", "disputes.screening.documents"):
            stack.enter_context(mock.patch(f"{module}.render_pdf", fake_pdf))
        for route, name in project_routes():
            kind, who = ROUTES[name]
            for number, (label, kwargs, query) in enumerate(fills(kind, world)):
                url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
                if who != "public" and number == 0:
                    response = anonymous.get(url)
                    if response.status_code != 302 or "/login/" not in response["Location"]:
                        failures.append(f"anonymous {url}: {response.status_code}")
                for user_key in USERS:
                    response = clients[user_key].get(url)
                    problem = expected(who, label, user_key, response.status_code)
                    if problem:
                        failures.append(f"{user_key} {name} {url}: {problem}")
                    text = body_text(response)
                    if label.startswith("search:"):
                        text = text.replace(label.removeprefix("search:"), "")  # the user's own query, echoed
                    for secret, allowed in secret_map.items():
                        if user_key not in allowed and secret in text:
                            failures.append(f"{user_key} {name} {url}: received {secret}")
    assert not failures, "\n".join(failures[:60]) + f"\n… {len(failures)} in all"


def test_admin_answers_only_administrators(world):
    users = world["users"]
    failures = []
    clients = {}
    for key in ("clerk_a", "coord_a", "leader_a", "justice_named", "mediator_q", "leader_b"):  # a user of each role
        clients[key] = Client()
        clients[key].force_login(users[key])
    for route in admin_routes():
        url = "/" + re.sub(r"<[^>]+>", "1", route).replace("^", "").replace("$", "").replace("\\Z", "")
        if "(?" in url or url in ("/admin/login/", "/admin/logout/"):
            continue  # the admin's own login form answers anyone
        for key, client in clients.items():
            status = client.get(url).status_code
            if status == 200:
                failures.append(f"{key} {url}: 200")
    assert not failures, failures


def test_notifications_reach_only_who_may_open_them(world):
    """Each message goes only to someone who may open what it points to, and names nothing else."""
    users = world["users"]
    from django.urls import resolve

    labels = {}
    for group, prefix, url_name in (("petitions", "petition", "petitions:detail"),
                                    ("mediations", "mediation", "disputes:mediation_detail")):
        for key, obj in world[group].items():
            labels[reverse(url_name, args=[obj.pk])] = f"{prefix}:{key}"
    sent = list(Notification.objects.select_related("user"))
    assert sent, "the workflow above sends notifications"
    by_user = {pk: key for key, user in users.items() for pk in [user.pk]}
    for message in sent:
        user_key = by_user[message.user_id]
        resolve(message.url)
        label = labels.get(message.url)
        assert label is not None, message.url
        assert user_key in SEES[label], f"{user_key} was told about {label}: {message.text}"
        for secret, allowed in world["secrets"].items():
            assert user_key in allowed or secret not in message.text, (user_key, message.text)
    # The 督办 of the report against the police reached its named handler, and nobody in the police.
    supervised = [n for n in sent if "请尽快核实" in n.text]
    assert {by_user[n.user_id] for n in supervised} == {"justice_named"}
    # The later petition referred to the police reached them, without a word of r_med.
    police = [n.text for n in sent if n.user_id == users["police"].pk]
    assert police and not any(world["petitions"]["r_med"].number in text for text in police)


def test_the_later_petition_is_linked_but_names_the_report_only_to_who_may_open_it(world):
    p, users = world["petitions"], world["users"]
    later, r_med = p["later"], p["r_med"]
    assert set(later.related_cases.all()) == {r_med}
    assert later.is_repeat is False  # a confidential case never makes a repeat flag others see
    assert r_med.number not in "".join(later.events.values_list("note", flat=True))
    url = reverse("petitions:detail", args=[later.pk])
    for key, shown in (("leader_a", True), ("clerk_a", True), ("police", False), ("coord_a", False),
                       ("clerk_a2", False)):
        client = Client()
        client.force_login(users[key])
        assert (r_med.number in client.get(url).content.decode()) is shown, key


def test_the_village_and_its_head_cannot_be_given_a_report_against_them(world):
    p, users = world["petitions"], world["users"]
    township = world["township"]
    qingxi = township.villages.get(name="青溪村")
    with pytest.raises(ValidationError) as refused:
        with transaction.atomic():
            workflow.assign_petition(p["r_village"], by=users["leader_a"], instruction="核查", lead_leader=users["leader_a"],
                                     village=qingxi, handler=users["village_head"])
    assert "村" in str(refused.value) or "不得" in str(refused.value) or refused.value.messages
    liutang = township.villages.get(name="柳塘村")
    with pytest.raises(ValidationError):  # the head is not of 柳塘村 either, but above all complained about
        with transaction.atomic():
            workflow.assign_petition(p["r_village"], by=users["leader_a"], instruction="核查",
                                     lead_leader=users["leader_a"], village=liutang, handler=users["village_head"])


def test_mediation_is_not_opened_from_a_report(world):
    p, users = world["petitions"], world["users"]
    with pytest.raises(ValidationError):
        with transaction.atomic():
            mediation_services.open_from_petition(
                p["r_unit"], by=users["leader_a"], respondents=[],
                data=case_data([users["mediator_q"]], village=world["township"].villages.get(name="青溪村")))
