"""Reference data and role rights for dispute screening. Idempotent: the browser tests re-run ``seed``."""
import datetime

from django.db import migrations

from office.roles import ADMIN, COORDINATOR, HANDLER, LEADER, MEDIATOR, grant

# docs/domain.md §3.1: the Ministry of Justice's dispute categories for people's mediation
# statistics, with the sub-types village committees commonly record. Admin-editable.
DISPUTE_TYPES = [
    ("婚姻家庭纠纷", ["婚姻纠纷", "家庭纠纷", "赡养纠纷", "抚养纠纷", "继承纠纷", "分家析产纠纷"]),
    ("邻里纠纷", ["相邻关系纠纷", "邻里琐事纠纷"]),
    ("房屋宅基地纠纷", ["宅基地纠纷", "建房纠纷", "房屋买卖纠纷", "房屋租赁纠纷"]),
    ("合同纠纷", ["买卖合同纠纷", "借款合同纠纷", "承包合同纠纷", "建设工程合同纠纷", "其他合同纠纷"]),
    ("生产经营纠纷", ["农业生产纠纷", "个体经营纠纷", "企业经营纠纷"]),
    ("损害赔偿纠纷", ["人身损害赔偿纠纷", "财产损害赔偿纠纷"]),
    ("山林土地纠纷", ["山林权属纠纷", "土地承包经营纠纷", "土地权属纠纷"]),
    ("征地拆迁纠纷", ["征地补偿纠纷", "房屋拆迁纠纷", "安置纠纷"]),
    ("环境污染纠纷", ["水污染纠纷", "大气污染纠纷", "噪声污染纠纷", "固体废物污染纠纷"]),
    ("劳动争议纠纷", ["拖欠工资纠纷", "工伤纠纷", "劳动合同纠纷", "社会保险纠纷"]),
    ("消费纠纷", ["商品质量纠纷", "服务质量纠纷"]),
    ("医疗纠纷", ["医疗损害纠纷", "医疗服务纠纷"]),
    ("道路交通事故纠纷", ["交通事故损害赔偿纠纷"]),
    ("物业纠纷", ["物业服务纠纷", "物业费纠纷"]),
    ("其他纠纷", ["其他纠纷"]),
]

# code, name, colour, rank, major
RISK_LEVELS = [
    ("green", "一般", "#198754", 1, False),
    ("yellow", "较大", "#ffc107", 2, False),
    ("red", "重大", "#dc3545", 3, True),
]

# 一周一排查 for village committees, 两周一排查 for the township center (docs/domain.md §3.1).
CADENCES = [("village", "week"), ("township", "fortnight")]
ANCHOR = datetime.date(2024, 1, 1)  # a Monday

_READ = ["disputes.view_screeninground", "disputes.view_ledgerentry"]
_WORK = ["disputes.change_ledgerentry", "disputes.close_ledgerentry", "disputes.request_mediation"]
_OVERSEE = [
    "disputes.route_ledgerentry",
    "disputes.view_compliance",
    "disputes.view_brief",
    "disputes.view_campaign",
]
DISPUTE_PERMISSIONS = {
    COORDINATOR: _READ + _WORK + _OVERSEE + ["disputes.file_township_round", "disputes.add_campaign"],
    LEADER: _READ + _WORK + _OVERSEE,
    MEDIATOR: _READ + _WORK + ["disputes.file_village_round", "disputes.view_campaign"],
    HANDLER: _READ,
    ADMIN: [
        f"disputes.{action}_{model}"
        for model in ["disputetype", "risklevel", "screeningcadence", "campaign"]
        for action in ["add", "change", "delete", "view"]
    ]
    + _READ,
}


def seed(apps, schema_editor):
    DisputeType = apps.get_model("disputes", "DisputeType")
    RiskLevel = apps.get_model("disputes", "RiskLevel")
    ScreeningCadence = apps.get_model("disputes", "ScreeningCadence")
    for order, (category, subtypes) in enumerate(DISPUTE_TYPES, start=1):
        parent, _ = DisputeType.objects.get_or_create(parent=None, name=category, defaults={"sort_order": order})
        for sub_order, name in enumerate(subtypes, start=1):
            DisputeType.objects.get_or_create(parent=parent, name=name, defaults={"sort_order": sub_order})
    for code, name, colour, rank, major in RISK_LEVELS:
        RiskLevel.objects.get_or_create(
            code=code, defaults={"name": name, "colour": colour, "rank": rank, "is_major": major}
        )
    for scope, kind in CADENCES:
        ScreeningCadence.objects.get_or_create(scope=scope, defaults={"kind": kind, "anchor": ANCHOR, "grace_days": 1})
    grant(apps, DISPUTE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
        ("office", "0004_person_permissions"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
