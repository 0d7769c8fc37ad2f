"""What each kind of ledger holds: its columns, the names offices give them, and how each cell is read
(docs/domain.md §8). The names of this system's own export are added to the synonyms, so a ledger
exported here comes back without a mapping step."""
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .layout import normalise

TEXT, DATE, CHOICE, LOOKUP, NAMES, IDS, PHONES = "text", "date", "choice", "lookup", "names", "ids", "phones"


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    type: str
    synonyms: tuple = ()
    required: bool = False


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    fields: tuple
    export_columns: object  # () -> the export's office.excel.Column list
    export_fields: tuple  # the field each export column fills ("" = not imported)
    importable: bool = True
    extra_ignored: tuple = field(default=("序号", "编号序号", "备注"))

    def field(self, key):
        return next(f for f in self.fields if f.key == key)

    def export_names(self):
        with translation.override("zh-hans"):
            columns = self.export_columns()
            return ["/".join(normalise(str(part)) for part in column.headers) for column in columns]

    def lookup(self):
        """{normalised column name: field key}; known columns that are not imported map to "-"."""
        names = {}
        for f in self.fields:
            for synonym in (f.synonyms + (str(f.label),)):
                names[normalise(synonym)] = f.key
        for name in self.extra_ignored:
            names.setdefault(normalise(name), "-")
        for name, key in zip(self.export_names(), self.export_fields):
            names[name] = key or "-"
        return names


def _petition_columns():
    from petitions.exports import petition_ledger_columns

    return petition_ledger_columns()


def _screening_columns():
    from disputes.screening.exports import ledger_columns

    return ledger_columns()


def _mediation_columns():
    from disputes.mediation.exports import mediation_ledger_columns

    return mediation_ledger_columns()


PETITIONS = Kind(
    "petitions", _("Petition ledger"),
    (
        Field("original_number", _("Original number"), TEXT, ("编号", "案件编号", "信访编号", "原编号", "登记编号", "案号", "信访件编号")),
        Field("received_on", _("Received on"), DATE, ("收到日期", "来访日期", "登记日期", "信访日期", "收件日期", "来信日期", "来电日期"), True),
        Field("channel", _("Channel"), CHOICE, ("信访形式", "来访形式", "信访方式", "方式", "渠道", "形式")),
        Field("names", _("Petitioner's name"), NAMES, ("信访人", "姓名", "上访人", "来访人", "信访人姓名", "反映人"), True),
        Field("id_numbers", _("ID number"), IDS, ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码")),
        Field("phones", _("Phone"), PHONES, ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式")),
        Field("village", _("Village"), LOOKUP, ("村", "所在村", "村社区", "村（社区）", "所属村", "村居", "所在村居")),
        Field("title", _("Title"), TEXT, ("标题", "信访事项", "反映问题", "事由", "主要问题", "信访内容", "事项", "反映内容", "问题"), True),
        Field("request", _("Request"), TEXT, ("诉求", "主要诉求", "信访请求", "请求", "信访诉求")),
        Field("purpose", _("Purpose"), CHOICE, ("信访目的", "目的")),
        Field("category", _("Content category"), LOOKUP, ("类别", "内容分类", "问题类别", "信访类别", "分类", "问题分类")),
        Field("decision", _("Decision"), CHOICE, ("受理情况", "受理意见", "是否受理", "受理结果")),
        Field("decided_on", _("Decided on"), DATE, ("受理日期", "决定日期", "受理决定日期")),
        Field("unit", _("Assigned unit"), LOOKUP, ("交办单位", "承办单位", "责任单位", "办理单位")),
        Field("assigned_on", _("Assigned on"), DATE, ("交办日期", "转办日期")),
        Field("signed_on", _("Signed for on"), DATE, ("签收日期",)),
        Field("handling_due_on", _("Handling due"), DATE, ("办理期限", "答复期限", "办结期限")),
        Field("replied_on", _("Replied on"), DATE, ("答复日期", "送达日期", "办结日期", "答复送达日期")),
        Field("opinion", _("Petitioner's opinion"), CHOICE, ("满意度", "信访人评价", "评价", "评价结果")),
        Field("opinion_on", _("Opinion on"), DATE, ("评价日期",)),
        Field("visited_on", _("Return visit on"), DATE, ("回访日期", "回访时间")),
        Field("archived_on", _("Archived on"), DATE, ("归档日期", "归档时间")),
        Field("status", _("Case status"), CHOICE, ("办理状态", "状态", "案件状态", "办理情况")),
    ),
    _petition_columns,
    (
        "", "original_number", "received_on", "channel", "names", "id_numbers", "phones", "village", "title",
        "purpose", "category", "decision", "decided_on", "unit", "", "assigned_on", "signed_on", "handling_due_on",
        "replied_on", "", "", "opinion", "opinion_on", "visited_on", "archived_on", "status",
    ),
)

# The other two ledgers are recognised (a screening ledger uploaded as petitions is named as such)
# but not yet imported: their rows need the screening rounds and committees they belong to.
SCREENING = Kind("screening", _("Dispute screening ledger"), (), _screening_columns, (), importable=False)
MEDIATION = Kind("mediation", _("People's mediation ledger"), (), _mediation_columns, (), importable=False)

KINDS = {kind.key: kind for kind in (PETITIONS, SCREENING, MEDIATION)}


def kind_signatures():
    """{kind key: set of its export's column names} to tell one ledger from another."""
    signatures = {}
    for kind in KINDS.values():
        names = set(kind.export_names())
        names |= {name.split("/", 1)[1] for name in names if "/" in name}
        for f in kind.fields:
            names |= {normalise(s) for s in f.synonyms}
        signatures[kind.key] = names
    return signatures
