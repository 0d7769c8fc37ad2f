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
    if kind.key == "screening":
        from .kinds import has_resolution

        row = [1, village.name if village else "", day, _("Example: a boundary dispute between neighbours"), "邻里纠纷", "",
               "张三\n李四", "110105194912310038\n", "13812345678\n13912345678", "", 2, "", "", "一般", "", "",
               "", "", "", day + datetime.timedelta(days=15), "已化解", day + datetime.timedelta(days=10), "",
               _("Example: settled by the village committee"), ]
        return row + (["调解化解"] if has_resolution() else [])
    if kind.key == "mediation":
        return [1, "", day, f"{village.name}人民调解委员会" if village else "", "当事人申请",
                _("Example: a boundary dispute between neighbours"), "邻里纠纷", "张三", "李四",
                "110105194912310038\n", "二类", "一般程序", day + datetime.timedelta(days=30),
                day + datetime.timedelta(days=12), "达成协议", "", "书面协议", day + datetime.timedelta(days=12),
                day + datetime.timedelta(days=20), "已履行", None, "", "", day + datetime.timedelta(days=40)]
    raise KeyError(kind.key)


def blank_template(kind, township):
    with translation.override("zh-hans"):
        return write_table(
            sheet_title=str(kind.label), title=_("%(ledger)s import template") % {"ledger": kind.label},
            subtitle=_("Township: %(township)s    Replace the example row with your cases; one person per line in the people's columns.")
            % {"township": township.name},
            columns=kind.export_columns(), rows=[example_row(kind, township)]).content
