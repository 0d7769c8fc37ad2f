import pytest
from tests.builders import PASSWORD
from .builders import file_round, found_entry

pytestmark = pytest.mark.django_db

def test_pages_render(client, mediator, coordinator):
    entry = found_entry(mediator)
    client.force_login(mediator)
    for url in ["/disputes/", "/disputes/rounds/", "/disputes/rounds/new/", f"/disputes/rounds/{entry.first_round_id}/", f"/disputes/entries/{entry.pk}/", f"/disputes/entries/{entry.pk}/resolve/", f"/disputes/entries/{entry.pk}/edit/", f"/disputes/entries/{entry.pk}/parties/add/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
    client.force_login(coordinator)
    for url in ["/disputes/", "/disputes/compliance/", "/disputes/brief/", "/disputes/brief/pdf/", "/disputes/export/", "/disputes/rounds/new/", f"/disputes/entries/{entry.pk}/transfer/", "/disputes/campaigns/new/"]:
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
