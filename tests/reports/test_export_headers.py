"""Every header row of every export and of the monthly brief, against the Chinese it must say.

Each column's words say what the column holds (issue: the same English message id reused with another
meaning put 登记数 over a date and 化解结果 over a decision). One spelling: 台账.
"""
import re
from io import BytesIO

import openpyxl
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
_ = None  # a merged header cell

PETITION_STATS = [
    ["收到件数", "受理决定", _, _, _, "应办结", _, "评价", _, _, _, "回访", _],
    [_, "受理", "不予受理", "转送", "待决定", "按期办结", "逾期", "满意", "基本满意", "不满意", "未评价", "应回访", "已回访"],
]


def stats(first):
    return [[first, *PETITION_STATS[0]], [_, *PETITION_STATS[1]]]


EXPECTED = {
    "export_petitions": {"信访台账": [
        ["序号", "案件编号", "收到日期", "信访形式", "信访人", _, _, "村", "信访事项", "信访目的", "内容分类",
         "受理决定", _, "交办", _, _, _, "答复", _, _, _, "评价", _, "回访日期", "归档日期", "办理状态"],
        [_, _, _, _, "姓名", "身份证号", "联系电话", _, _, _, _, "决定", "日期", "承办单位", "承办人", "交办日期",
         "签收日期", "办理期限", "送达日期", "用时（天）", "是否按期", "评价", "日期", _, _, _],
    ]},
    "export_monthly": {
        "按信访形式": stats("信访形式"), "按信访目的": stats("信访目的"), "按内容分类": stats("类别"), "按村": stats("村"),
        "矛盾纠纷": [
            ["纠纷类型", "发现纠纷", "风险", _, _, "化解状态", _, _, _, "进入调解"],
            [_, _, "一般", "较大", "重大", "化解中", "已化解", "未化解", "已移交", _],
        ],
    },
    "export_mediation": {"调解台账": [
        ["序号", "案件编号", "登记日期", "人民调解委员会", "纠纷来源", "纠纷简况", "纠纷类型", "当事人", _, _, "案件类别",
         "适用程序", "调解", _, _, "调解协议", _, _, _, _, "司法确认", _, _, "回访日期"],
        [_, _, _, _, _, _, _, "申请人", "被申请人", "身份证号", _, _, "调解期限", "结束日期", "调解结果", "编号",
         "协议形式", "生效日期", "履行期限", "履行情况", "申请日期", "人民法院", "确认结果", _],
    ]},
    "export_year_review": {"年终考评": [
        ["村", "排查报送", _, _, _, "矛盾纠纷", _, "调解案件", _, "比率（%）", _, "逾期信访件", "信访满意率（%）"],
        [_, "应报", "按时", "迟报", "未报", "发现纠纷", "进入调解", "实际开展调解", "达成协议", "参调率", "调解成功率", _, _],
    ]},
    "export_annual": {"统计": [["项目", "件数"]], "涉及领域": [["类别", "件数"]], "被反映对象": [["单位或人员", "件数"]]},
    "disputes:export": {"排查台账": [
        ["序号", "排查单位", "排查日期", "纠纷简况", "纠纷类型", _, "当事人", _, _, _, "涉及人数", "发生地点", "基本情况",
         "风险", _, _, "化解措施", "责任落实", _, "化解期限", "化解状态", "办结日期", "去向", "化解情况", "化解方式"],
        [_, _, _, _, "类别", "细类", "姓名", "身份证号", "联系电话", "住址", _, _, _, "等级", "可能民转刑",
         "可能引发群体性事件", _, "责任人", "包案领导", _, _, _, _, _, _],
    ]},
}
QUERY = {"export_monthly": {"month": "2026-11"}, "export_year_review": {"year": "2026"}, "export_annual": {"year": "2026"}}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_every_export_header_says_what_its_column_holds(client, users, name):
    client.force_login(users["coordinator"])
    url = reverse(name if ":" in name else f"reports:{name}")
    book = openpyxl.load_workbook(BytesIO(client.get(url, QUERY.get(name, {})).content))
    assert book.sheetnames == list(EXPECTED[name])
    for sheet, rows in EXPECTED[name].items():
        ws = book[sheet]
        found = [[cell.value for cell in row] for row in ws.iter_rows(min_row=3, max_row=2 + len(rows))]
        assert found == rows, sheet
        assert "台帐" not in (ws["A1"].value or "")


BRIEF = {
    "brief-by-type": ["类别", "发现数", "已化解", "未办结", "已移交"],
    "brief-by-risk": ["风险等级", "发现数", "已化解", "未办结", "已移交"],
    "brief-by-status": ["化解中", "已化解", "未化解", "已移交"],
    "brief-major": ["单位", "纠纷简况", "类型", "风险", "排查日期", "化解期限", "化解状态", "责任落实"],
    "brief-overdue": ["单位", "纠纷简况", "类型", "风险", "排查日期", "化解期限", "化解状态", "责任落实"],
    "brief-missing": ["单位", "未报", "周期"],
}


def test_the_monthly_brief_headers(client, users):
    client.force_login(users["coordinator"])
    html = client.get(reverse("disputes:brief"), {"month": "2026-11"}).content.decode()
    headers = {}
    for table in re.findall(r"<table.*?</table>", html, re.S):
        testid = re.search(r'data-testid="([^"]+)"', table.split(">", 1)[0])
        cells = [re.sub("<.*?>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        headers[testid.group(1) if testid else "summary"] = cells
    assert headers["summary"] == ["发现纠纷", "涉及人数", "其中已化解", "其中未办结", "其中已移交", "本月化解（含以前发现）",
                                  "应报", "按时报送 / 迟报", "未报", "零报告"]
    for testid, expected in BRIEF.items():
        assert headers[testid] == expected, testid
    assert "查看" not in html.split('data-testid="brief-summary"')[1].split("</main>")[0]
