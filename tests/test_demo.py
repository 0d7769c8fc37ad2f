"""`make run` loads the demo township relative to today: it must load on any day (weekends, year
ends, a leap day, a year the holiday package does not know) and show every state the README
promises. With TEST_TODAY set (tests/clock.py) this runs on that day."""
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from disputes.models import LedgerEntry, MediationCase, ScreeningRound
from office.models import IssuedDocument, Targets, Township
from petitions.models import Petition
from petitions.selectors import visible_petitions
from reports.exports import year_review_rows

from .builders import reseed_reference_data

S = Petition.Status


@pytest.mark.django_db
def test_the_demo_loads_today_with_every_state_the_readme_promises(client, django_capture_on_commit_callbacks):
    """Loaded once (it takes a minute): the states below, then each role's day on the same data."""
    reseed_reference_data()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the messages are sent on commit
        call_command("load_demo", stdout=out)
    assert settings.DEMO_PASSWORD in out.getvalue()
    from axes.models import AccessAttempt

    from office.models import AccountChange

    # 登录锁定 and the record of account changes have something to show.
    assert AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()
    assert {"roles", "unlocked", "password"} <= set(AccountChange.objects.values_list("kind", flat=True))
    today = timezone.localdate()

    petitions = Petition.objects.all()
    shown = set(petitions.values_list("status", flat=True))
    # Every state of the petition workflow a clerk meets (a 不予受理 case is archived with its notice).
    assert {S.REGISTERED, S.DECISION_REVIEW, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REPLY_REVIEW,
            S.REPLY_APPROVED, S.REPLIED, S.EVALUATED, S.VISITED, S.ARCHIVED} <= shown
    open_cases = petitions.filter(status__in=Petition.OPEN_STATUSES)
    assert open_cases.filter(due_on__lt=today).exists(), "no overdue petition"
    assert open_cases.filter(due_on__gte=today).exists(), "no petition still within its limit"
    assert petitions.filter(extensions__state="approved").exists(), "no extended petition"
    assert petitions.filter(return_count__gt=0).exists(), "no returned petition"
    assert petitions.filter(escalations__state="pending").exists(), "no escalation awaiting a decision"
    # A 交办 case overdue against the assigning organ's deadline (earlier than the 60-day limit) and
    # an archived one that reported its result back with the 信访事项办理情况报告.
    assert open_cases.filter(source="assigned", due_on__lt=today, source_deadline=models.F("due_on"),
                             legal_due_on__gt=models.F("source_deadline")).exists(), "no 交办 case overdue"
    reported = petitions.filter(status=S.ARCHIVED, reported_on__isnull=False)
    assert reported.exists(), "no case with a report-back"
    assert IssuedDocument.objects.filter(kind="report_back", object_id__in=reported.values("pk")).exists()

    assert set(MediationCase.objects.values_list("status", flat=True)) == set(MediationCase.Status.values)
    assert set(LedgerEntry.objects.values_list("status", flat=True)) == set(LedgerEntry.Status.values)
    rounds = ScreeningRound.objects.all()
    assert rounds.filter(zero_report=True).exists() and rounds.filter(zero_report=False).exists()
    assert not rounds.filter(starts_on__gt=today).exists(), "a round filed for a period that has not begun"

    # Issue 12 §3: the township started using the system the day screening history starts; the year-end
    # review counts rounds from then; disputes resolved in screening say how (调解化解 counts for 参调率);
    # the figures have the work plan's targets.
    township = Township.objects.get(code="qingxi")
    # (The rounds imported with the screening ledger kept before the system lie before it: docs/domain.md §9.)
    assert township.go_live_on <= rounds.exclude(kind="imported").order_by("starts_on").first().starts_on
    assert rounds.filter(kind="imported", starts_on__lt=township.go_live_on).exists()
    # The ledgers kept before the system came in through the background queue too (我的后台任务), and the open
    # dispute among them, whose 化解期限 passed long before the import, counts from the day it came in.
    from jobs.models import Job

    assert set(Job.objects.values_list("kind", "status")) == {
        ("ledger_import", "done"), ("petition_ledger", "done"), ("petition_dossier", "done"),
        ("mediation_case_file", "done")}
    # Every archived case has its dossier, made by its background job on its archiving day.
    archived = Petition.objects.filter(status=S.ARCHIVED, imported_from__isnull=True)
    assert archived.exists() and not archived.exclude(
        pk__in=IssuedDocument.objects.filter(kind="dossier").values("object_id")).exists()
    assert Job.objects.filter(kind="petition_dossier").count() == archived.count()
    noise = LedgerEntry.objects.get(title="邻里噪音纠纷")
    assert noise.is_open and (today - noise.deadline).days > 30 and noise.days_left(today) == 0
    review = list(year_review_rows(township, today.year, today))
    weeks = (today - township.go_live_on).days // 7 + 1
    assert review and all(row[1] <= weeks for row in review), "rounds due counted from before go-live"
    resolved = LedgerEntry.objects.filter(status=LedgerEntry.Status.RESOLVED)
    assert not resolved.filter(resolution="").exists()
    assert resolved.filter(resolution=LedgerEntry.Resolution.MEDIATED).exists()
    assert MediationCase.objects.filter(termination__in=["refused", "transferred"]).exists()
    assert Targets.for_township(township).participation == 98

    # The demo's 检举控告 against village cadres names their village committee, whose staff never see it;
    # no mediation was opened from it, and if it was referred, it went to a named handler (issue 13).
    report = petitions.get(purpose=Petition.Purpose.REPORT)
    assert report.confidential and report.complained_village_id
    villagers = report.complained_village.staff.select_related("user")
    assert all(not visible_petitions(s.user).filter(pk=report.pk).exists() for s in villagers)
    assert not report.mediation_cases.exists()
    assert report.assigned_unit_id is None or report.handler_id is not None

    # 导入记录: the ledger kept before the system, imported; one row refused (an ID number Excel rounded).
    from ledgerimport.models import ImportBatch

    batch = ImportBatch.objects.get(kind="petitions")
    assert (batch.state, batch.imported_count, batch.refused_count) == ("imported", 5, 1)
    imported = petitions.filter(imported_from__batch=batch)
    assert imported.filter(status=S.ARCHIVED).count() == 4 and imported.filter(status=S.REGISTERED).count() == 1
    assert not imported.filter(due_on__isnull=False).exists()
    assert all(p.events.get().action == "imported" for p in imported)
    # The mediation ledger from before: closed historic cases of three committees, none in a queue.
    batch = ImportBatch.objects.get(kind="mediation")
    assert (batch.state, batch.imported_count, batch.refused_count) == ("imported", 4, 0)
    historic = MediationCase.objects.filter(imported_from__batch=batch)
    assert set(historic.values_list("status", flat=True)) == {"archived", "terminated"}
    assert historic.filter(committee_village__isnull=True).count() == 1
    assert historic.filter(agreement__form="oral").count() == 1
    # Issue 15: 青山县 over 青溪镇 and 石桥乡; the county's 交办 to both, one past the county's deadline.
    from django.contrib.auth import get_user_model

    from reports import county as county_rollup

    county_user = get_user_model().objects.get(username="county")
    assert set(Township.objects.filter(county__name="青山县").values_list("name", flat=True)) == {"青溪镇", "石桥乡"}
    qingxi = Township.objects.get(code="qingxi")
    assert county_rollup.count_cases(county_user, qingxi, "assigned-overdue", today).count() == 1
    client.force_login(county_user)
    assert client.get("/county/").status_code == 200
    client.logout()
    # The county has the shared lists; 石桥乡 adds a category of its own (office/setup.py).
    from office.setup import township_list
    from petitions.models import ContentCategory

    assert not ContentCategory.objects.filter(county__isnull=True, township__isnull=True).exists()
    shiqiao_list = {c.name for c in township_list(ContentCategory, Township.objects.get(code="shiqiao"))}
    assert {"乡村旅游与民宿", "房屋宅基地"} <= shiqiao_list
    assert "乡村旅游与民宿" not in {c.name for c in township_list(ContentCategory, qingxi)}
    each_demo_role_has_work_and_every_link_from_home_and_its_queues_opens(client)


def each_demo_role_has_work_and_every_link_from_home_and_its_queues_opens(client):
    """Issue 12 §1: a crawl per demo role over its menu, its queues and the links on its home page and
    queue pages — no 403, 404 or 500 — and each role's queues hold something to do. And the ladder
    (docs/domain.md §2.4): every pending escalation has a decider in the case's village or the township
    who can open the case; 柳塘村 passes over its missing first secretary; a major matter is unreported
    (banner) and one is reported."""
    from django.contrib.auth import get_user_model

    from disputes.mediation import workflow as mediation_workflow
    from disputes.models import MediationEscalation
    from office import escalation
    from office.models import Notification
    from petitions import workflow as petition_workflow
    from petitions.models import EscalationRequest
    from petitions.selectors import visible_petitions
    from reports.queues import work_queues

    from .crawl import broken, crawl

    today = timezone.localdate()
    users = {u.username: u for u in get_user_model().objects.all()}
    expected = {
        "clerk": {"to-decide", "sent-back", "overdue"},
        "coordinator": {"awaiting-decision", "overdue", "returned"},
        "leader": {"sign-offs"},
        "handler": {"referred"},
        "mediator": {"mediating", "signatures"},
    }
    for username, keys in expected.items():
        counts = {q.key: q.count for q in work_queues(users[username], today)}
        assert all(counts.get(key) for key in keys), (username, counts)
    for username in ["clerk", "coordinator", "leader", "leader2", "handler", "handler2", "mediator", "mediator2",
                     "cunzhang", "cunzhang2", "zhucun2", "shuji", "admin"]:
        assert broken(crawl(client, users[username])) == {}, username
    # The demo's history was made through the workflow: the tasks done along the way are done.
    leader_open = Notification.objects.filter(user=users["leader"], done_at__isnull=True).exclude(task="")
    assert leader_open.count() == len({n.task for n in leader_open})
    assert Notification.objects.filter(user=users["leader"]).exclude(task="").filter(done_at__isnull=False).exists()
    # The ladder.
    pending = [(petition_workflow.FLOW, e, e.petition) for e in EscalationRequest.objects.filter(state="pending")]
    pending += [(mediation_workflow.FLOW, e, e.case) for e in MediationEscalation.objects.filter(state="pending")]
    assert len(pending) >= 3
    for flow, request, case in pending:
        deciders = list(escalation.deciders(case.township_id, request.to_level, request.village_id))
        assert deciders, f"{case.number}: nobody may decide the escalation to {request.to_level}"
        for user in deciders:
            assert escalation.can_decide(user, request, case)
            assert escalation.is_asked(user, case)
        if request.village_id:
            assert {u.staff.village_id for u in deciders} == {request.village_id}
    major = Petition.objects.get(number__endswith="0054") if Petition.objects.filter(
        number__endswith="0054").exists() else None
    if major is not None and major.escalations.filter(state="pending").exists():
        decider = get_user_model().objects.get(username="leader2")
        assert visible_petitions(decider).filter(pk=major.pk).exists()
    skipped = MediationEscalation.objects.filter(case__committee_village__name="柳塘村", to_level__rank=5).get()
    assert "驻村第一书记" in skipped.passed_over and skipped.from_level.rank == 3
    assert Petition.objects.filter(is_major=True, major_report__isnull=True).exists()
    assert Petition.objects.filter(is_major=True, major_report__isnull=False).exists()
