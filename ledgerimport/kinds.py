"""What each kind of ledger holds: its columns, the names offices give them, and how each cell is read
(docs/domain.md §9). The names of this system's own export are added to the synonyms, so a ledger
exported here comes back without a mapping step."""
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .layout import normalise

TEXT, DATE, CHOICE, LOOKUP, NAMES, IDS, PHONES = "text", "date", "choice", "lookup", "names", "ids", "phones"
NUMBER, YES_NO, LINES = "number", "yes_no", "lines"


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

def has_resolution():
    """Whether ledger entries record how a dispute was resolved (化解方式, LedgerEntry.resolution)."""
    from disputes.models import LedgerEntry

    return any(f.name == "resolution" for f in LedgerEntry._meta.get_fields())


def _screening_fields():
    fields = [
        Field("unit", _("Screening unit"), LOOKUP, ("排查单位", "村", "所在村", "村（社区）", "村社区", "单位", "所属村", "村居")),
        Field("found_on", _("Date found"), DATE, ("排查日期", "发现日期", "登记日期", "摸排日期"), True),
        Field("title", _("Dispute"), TEXT, ("纠纷简况", "纠纷名称", "矛盾纠纷", "纠纷事项", "矛盾纠纷名称", "事项"), True),
        Field("category", _("Dispute category"), LOOKUP, ("纠纷类别", "类别", "纠纷类型", "矛盾类型", "类型"), True),
        Field("subtype", _("Dispute sub-type"), LOOKUP, ("细类", "纠纷细类", "具体类型", "子类")),
        Field("names", _("Parties"), NAMES, ("当事人", "姓名", "当事人姓名"), True),
        Field("id_numbers", _("ID number"), IDS, ("身份证号", "身份证号码", "公民身份号码", "身份证")),
        Field("phones", _("Phone"), PHONES, ("联系电话", "电话", "手机", "手机号码", "联系方式")),
        Field("addresses", _("Address"), LINES, ("住址", "地址", "家庭住址", "现住址")),
        Field("head_count", _("People involved"), NUMBER, ("涉及人数", "人数", "涉及人员")),
        Field("place", _("Place"), TEXT, ("发生地点", "地点", "纠纷地点")),
        Field("facts", _("Facts"), TEXT, ("基本情况", "简要情况", "纠纷简要情况", "主要事实", "基本案情")),
        Field("risk", _("Risk level"), LOOKUP, ("风险等级", "等级", "风险")),
        Field("criminal", _("May turn criminal"), YES_NO, ("可能民转刑", "民转刑", "可能转刑事")),
        Field("group", _("May become a group incident"), YES_NO, ("可能引发群体性事件", "群体性事件", "群体性")),
        Field("measures", _("Handling measures"), TEXT, ("化解措施", "处置措施", "工作措施", "稳控措施")),
        Field("responsible_person", _("Responsible person"), TEXT, ("责任人", "包案责任人", "化解责任人")),
        Field("lead_official", _("Leader in charge"), TEXT, ("包案领导", "责任领导", "分管领导")),
        Field("deadline", _("Resolve by"), DATE, ("化解期限", "办结期限", "期限", "化解时限")),
        Field("status", _("Status"), CHOICE, ("化解状态", "状态", "化解情况", "办理状态")),
        Field("closed_on", _("Closed on"), DATE, ("办结日期", "化解日期", "结案日期")),
        Field("routing", _("Routed to"), TEXT, ("去向", "流转", "流转情况", "移交情况")),
        Field("outcome", _("Outcome"), TEXT, ("化解结果", "调处结果", "处理结果", "结果")),
    ]
    if has_resolution():
        fields.append(Field("resolution", _("How the dispute was resolved"), CHOICE, ("化解方式", "化解途径")))
    return tuple(fields)


def _screening_export_fields():
    keys = ("", "unit", "found_on", "title", "category", "subtype", "names", "id_numbers", "phones", "addresses",
            "head_count", "place", "facts", "risk", "criminal", "group", "measures", "responsible_person",
            "lead_official", "deadline", "status", "closed_on", "routing", "outcome")
    return keys + (("resolution",) if has_resolution() else ())


SCREENING = Kind("screening", _("Dispute screening ledger"), _screening_fields(), _screening_columns,
                 _screening_export_fields())

MEDIATION = Kind(
    "mediation", _("People's mediation ledger"),
    (
        Field("original_number", _("Original number"), TEXT, ("案件编号", "编号", "调解编号", "案号", "卷宗号", "原编号")),
        Field("registered_on", _("Registered on"), DATE, ("登记日期", "受理日期", "收案日期", "已登记", "申请日期"), True),
        Field("committee", _("Mediation committee"), LOOKUP, ("人民调解委员会", "调解委员会", "调委会", "调解组织", "村")),
        Field("source", _("Source"), CHOICE, ("纠纷来源", "来源", "案件来源")),
        Field("title", _("Dispute"), TEXT, ("纠纷简况", "纠纷名称", "纠纷事项", "案由", "事项"), True),
        Field("dispute_type", _("Dispute type"), LOOKUP, ("纠纷类型", "纠纷类别", "类型", "案件类型"), True),
        Field("applicants", _("Applicants"), NAMES, ("申请人", "当事人/申请人", "申请人姓名"), True),
        Field("respondents", _("Respondents"), NAMES, ("被申请人", "当事人/被申请人", "被申请人姓名"), True),
        Field("id_numbers", _("ID number"), IDS, ("身份证号", "身份证号码", "公民身份号码")),
        Field("case_class", _("Case class"), CHOICE, ("类别", "案件类别", "纠纷等级")),
        Field("procedure", _("Procedure"), CHOICE, ("适用程序", "程序")),
        Field("due_on", _("Mediation due"), DATE, ("截止", "调解期限", "期限", "调解截止日期")),
        Field("closed_on", _("Mediation ended on"), DATE, ("结束日期", "调结日期", "结案日期", "调解结束日期")),
        Field("outcome", _("Outcome"), CHOICE, ("化解结果", "调解结果", "结果", "调解情况")),
        Field("agreement_number", _("Agreement number"), TEXT, ("协议编号", "调解协议/编号", "调解协议书编号")),
        Field("agreement_form", _("Agreement form"), CHOICE, ("协议形式", "调解协议/协议形式")),
        Field("effective_on", _("Agreement in effect from"), DATE, ("生效日期", "协议生效日期", "调解协议/生效日期")),
        Field("perform_by", _("Perform by"), DATE, ("履行期限", "调解协议/履行期限")),
        Field("performance", _("Performance"), CHOICE, ("履行情况", "调解协议/履行情况", "协议履行情况")),
        Field("confirmation_applied_on", _("Judicial confirmation applied for on"), DATE, ("司法确认/申请日期", "司法确认申请日期")),
        Field("court", _("Court"), TEXT, ("人民法院", "司法确认/人民法院", "确认法院")),
        Field("confirmation_result", _("Court's ruling"), CHOICE, ("司法确认/确认结果", "确认结果", "司法确认结果", "司法确认/结果", "司法确认/回访情况")),
        Field("visited_on", _("Return visit on"), DATE, ("回访", "回访日期", "回访时间")),
    ),
    _mediation_columns,
    ("", "original_number", "registered_on", "committee", "source", "title", "dispute_type", "applicants",
     "respondents", "id_numbers", "case_class", "procedure", "due_on", "closed_on", "outcome", "agreement_number",
     "agreement_form", "effective_on", "perform_by", "performance", "confirmation_applied_on", "court",
     "confirmation_result", "visited_on"),
)

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
