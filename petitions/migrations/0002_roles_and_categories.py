from django.db import migrations

from office.roles import ADMIN, CLERK, COORDINATOR, HANDLER, LEADER, grant

PERMISSIONS = {
    CLERK: ["petitions.register_petition", "petitions.view_petition"],
    COORDINATOR: ["petitions.register_petition", "petitions.view_petition"],
    LEADER: ["petitions.view_petition"],
    HANDLER: ["petitions.view_petition"],
    ADMIN: [
        "petitions.add_contentcategory",
        "petitions.change_contentcategory",
        "petitions.view_contentcategory",
        "petitions.view_petition",
    ],
}

CATEGORIES = [
    "土地征用与补偿", "山林土地权属", "房屋宅基地", "城乡建设", "劳动社保与拖欠工资", "农村农业",
    "民政与社会救助", "医疗卫生", "教育", "环境保护", "交通运输", "村务公开与村干部作风",
    "涉法涉诉", "市场监管与消费", "其他",
]


def seed(apps, schema_editor):
    ContentCategory = apps.get_model("petitions", "ContentCategory")
    for order, name in enumerate(CATEGORIES, start=1):
        ContentCategory.objects.get_or_create(name=name, defaults={"sort_order": order})
    grant(apps, PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial"), ("office", "0004_person_permissions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
