"""SQLite's FTS5 trigram tables for the search (petitions/text_search.py): kept equal to the cases and people
by triggers, mended after a migration that dropped a trigger, and safe for any input."""
import pytest
from django.db import connection

from office.models import Person
from petitions import text_search
from petitions.models import Petition
from petitions.search import search_petitions
from petitions.selectors import visible_petitions
from tests.builders import register_petition

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL searches by pg_trgm (migration 0014)")]


def found(user, value):
    return set(search_petitions(visible_petitions(user), value, user.staff.township).values_list("pk", flat=True))


def test_changes_reach_the_index_through_its_triggers(clerk):
    case = register_petition(clerk, title="水渠堵塞影响灌溉", petitioners=[{"name": "欧阳建华", "phone": "13512348765"}])
    assert found(clerk, "水渠堵塞") == {case.pk} and found(clerk, "欧阳建") == {case.pk}
    assert found(clerk, "2348765") == {case.pk}
    Petition.objects.filter(pk=case.pk).update(title="道路破损")  # an UPDATE statement, no save()
    assert found(clerk, "水渠堵塞") == set() and found(clerk, "道路破损") == {case.pk}
    Person.objects.filter(name="欧阳建华").update(name="欧阳明")
    assert found(clerk, "欧阳建") == set() and found(clerk, "欧阳明") == {case.pk}
    Petition.objects.filter(pk=case.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(*text_search.contains("petition_text", ["title"], "道路破损"))
        assert cursor.fetchall() == []


def test_a_missing_trigger_is_put_back_and_the_index_rebuilt(clerk):
    case = register_petition(clerk, title="占用耕地建房")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER petition_text_update")  # as a migration that copies the table leaves it
    Petition.objects.filter(pk=case.pk).update(title="违规搭建")
    assert found(clerk, "违规搭建") == set()  # the index missed the change
    text_search.ensure()
    assert found(clerk, "违规搭建") == {case.pk} and found(clerk, "占用耕地") == set()


def test_any_input_is_a_phrase_not_a_query(clerk):
    case = register_petition(clerk, title='关于"三资"管理 OR 账目 NEAR 公开')
    for value in ('"三资"', 'OR 账目', "NEAR", "{title} : x", "a*b", "'; DROP"):
        found(clerk, value)  # no FTS syntax error
    assert found(clerk, '"三资"') == {case.pk} and found(clerk, "OR 账目") == {case.pk}
