"""The ladder (docs/domain.md §2.4) in the browser: a 青溪村 dispute climbs from its committee (rank 1)
to the township's 分管第一责任人 (rank 5). The case's mediator asks each time; each decider logs in on
their own account, finds the case under 提级至我处, opens it and approves."""
import pytest

from disputes.mediation import services
from disputes.models import MediationCase
from office.models import EscalationLevel
from office.roles import HANDLER, LEADER, MEDIATOR
from tests.builders import PASSWORD, make_user
from tests.disputes.mediation.builders import case_data, parties

from .conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_village_dispute_climbs_from_rank_1_to_rank_5_each_decider_on_their_own_login(page, township, center):
    village = township.villages.get(name="青溪村")
    other = township.villages.get(name="柳塘村")
    level = {rank: EscalationLevel.objects.get(rank=rank) for rank in range(1, 6)}
    chair = make_user(MEDIATOR, township, village=village, username="chair", ladder_level=level[1])
    deciders = [make_user(HANDLER, township, village=village, username=name, ladder_level=level[rank])
                for rank, name in ((2, "cunzhang"), (3, "zhucun"), (4, "shuji"))]
    deciders.append(make_user(LEADER, township, unit=center, username="leader", ladder_level=level[5]))
    # 柳塘村's village head holds rank 2 too, but never for a 青溪村 case.
    make_user(HANDLER, township, village=other, username="cunzhang2", ladder_level=level[2])
    case = services.register_case(by=chair, data=case_data([chair], village=village), parties=parties())

    for rank, decider in zip((2, 3, 4, 5), deciders, strict=True):
        login(page, "chair", PASSWORD)
        page.wait_for_url(page.base_url + "/")
        page.goto(f"{page.base_url}/disputes/mediation/{case.pk}/")
        page.click("[data-action=raise_escalation]")
        assert str(level[rank]) in page.locator("[data-testid=escalation-step]").inner_text()
        page.fill("#id_reason", f"村级难以化解，提请第{rank}级协调。")
        page.click("[data-testid=confirm]")
        page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
        logout(page)

        if rank == 2:  # the other village's holder of rank 2 is not asked
            login(page, "cunzhang2", PASSWORD)
            page.wait_for_url(page.base_url + "/")
            page.goto(f"{page.base_url}/escalations/")
            assert page.locator("[data-testid=escalations-pending] a").count() == 0
            logout(page)

        login(page, decider.username, PASSWORD)
        page.wait_for_url(page.base_url + "/")
        assert page.locator("[data-testid=escalations-to-me] .badge").inner_text().strip() == "1"
        page.click("[data-testid=escalations-to-me]")
        page.wait_for_url("**/escalations/")
        page.click(f"[data-testid=escalations-pending] a[data-number='{case.number}']")
        page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
        page.click("[data-action=decide_escalation]")
        page.check("input[name=approve][value='1']")
        page.fill("#id_comment", "同意提级。")
        page.click("[data-testid=confirm]")
        page.wait_for_url(f"**/disputes/mediation/{case.pk}/")
        assert str(level[rank]) in page.locator("[data-testid=ladder-level]").inner_text()
        logout(page)

    case = MediationCase.objects.get(pk=case.pk)
    assert case.ladder_level.rank == 5
    assert [e.decided_by.username for e in case.escalations.order_by("requested_at")] == [
        "cunzhang", "zhucun", "shuji", "leader"]
