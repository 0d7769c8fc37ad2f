"""Ledgers as offices keep them, built in the tests (docs/domain.md §9)."""
import csv
import datetime
import io

from openpyxl import Workbook

D = datetime.date
SERIAL_2024_03_10 = (D(2024, 3, 10) - D(1899, 12, 30)).days

HEADER_TOP = ["序号", "来访日期", "信访人", None, None, "所在村", "反映问题", "问题类别", "答复日期", "经办人"]
HEADER_BELOW = [None, None, "姓名", "身份证号码", "电话", None, None, None, None, None]

# (sheet row, values): rows 1–4 are the title, a blank row and the two-row header.
MESSY_ROWS = [
    (5, [1, "2024-3-5", "张三", "110105194912310038", "13812345678", "青溪村", "村道损坏无人修", "城乡建设", "2024.4.10", "王丽"]),
    (7, [2, "2024/03/06", "李四", 330127199001011000.0, "13912345678", "柳塘村", "拖欠工资", "劳动社保与拖欠工资", None, "王丽"]),
    (8, [3, "2024年3月7日", "王五", "440524198001010013", "13700001111", "青溪村", "宅基地边界纠纷", "邻里琐事", None, "李强"]),
    (9, [4, SERIAL_2024_03_10, "赵六", None, "13600002222", "柳塘村", "养殖场污染", "环境保护", "2024-05-01", "李强"]),
    (10, [1, "2024-3-5", "张三", "110105194912310038", "13812345678", "青溪村", "村道损坏无人修", "城乡建设", "2024.4.10", "王丽"]),
    (11, [5, "2024-13-01", "孙七", "330106199003071236", "13500003333", "青溪村", "噪音扰民", "环境保护", None, "王丽"]),
    (12, [6, "2024-03-12", "赵六", None, "13600002222", "柳塘村", "垃圾清运不及时", "环境保护", "2024/4/1", "李强"]),
]


def messy_ledger(title_column="反映问题"):
    """A title row, a merged two-row header, a blank row, mixed date forms, an ID number Excel
    rounded, a repeated row, a date that does not exist, an unknown category, a totals row and a footer."""
    wb = Workbook()
    ws = wb.active
    ws.append(["青溪镇2024年信访工作台账"])
    ws.merge_cells("A1:J1")
    ws.append([])
    ws.append([title_column if name == "反映问题" else name for name in HEADER_TOP])
    ws.append(HEADER_BELOW)
    ws.merge_cells("C3:E3")
    for column in "ABFGHIJ":
        ws.merge_cells(f"{column}3:{column}4")
    row = 5
    for number, values in MESSY_ROWS:
        while row < number:
            ws.append([])
            row += 1
        ws.append(values)
        row += 1
    ws.append(["合计", None, "6件"])
    ws.append(["填报单位：青溪镇综治中心"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def simple_rows():
    return [
        ["登记日期", "信访人", "身份证号", "联系电话", "村", "信访事项", "类别", "答复日期"],
        ["2024-3-5", "张三", "110105194912310038", "13812345678", "青溪村", "村道损坏无人修", "城乡建设", "2024-04-10"],
        ["2024年3月7日", "王五", "440524198001010013", "13700001111", "柳塘村", "宅基地边界纠纷", "房屋宅基地", ""],
    ]


def csv_bytes(rows, encoding):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xls_bytes(rows):
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("台账")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, datetime.date):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows):
    wb = Workbook()
    for values in rows:
        wb.active.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
