"""The blank import templates: the export's own layout (office/excel.py) with one example row."""
import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from office.excel import write_table


def example_row(kind, township):
    village = township.villages.filter(is_active=True).order_by("sort_order", "name").first()
    day = timezone.localdate() - datetime.timedelta(days=60)
    if kind.key == "petitions":
        return [1, "", day, "来访", "张三", "110105194912310038", "13812345678", village.name if village else "",
                _("Example: road repair in the village"), "求决", "", "受理", day + datetime.timedelta(days=3),
                "", "", None, None, None, day + datetime.timedelta(days=40), None, "", "满意",
                day + datetime.timedelta(days=45), None, None, ""]
    raise KeyError(kind.key)


def blank_template(kind, township):
    with translation.override("zh-hans"):
        return write_table(
            sheet_title=str(kind.label), title=_("%(ledger)s import template") % {"ledger": kind.label},
            subtitle=_("Township: %(township)s    Replace the example row with your cases; one person per line in the petitioners' columns.")
            % {"township": township.name},
            columns=kind.export_columns(), rows=[example_row(kind, township)]).content
