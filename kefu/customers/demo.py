"""Realistic synthetic customers for the demo center and the benchmark (deterministic by seed).

Surnames follow their real frequency in China; given names draw from a wide pool, so a
million customers have many namesakes (张伟) and many unique names, as a real archive does.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from stdnum.cn import ric

from kefu.customers.validation import PROVINCES, vin_check_digit

# Surname and share of the population in percent (approximate, national census figures).
SURNAMES = [
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 2.2),
    ("赵", 2.0),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 1.3),
    ("孙", 1.3),
    ("马", 1.2),
    ("朱", 1.2),
    ("胡", 1.1),
    ("郭", 1.1),
    ("何", 1.0),
    ("高", 1.0),
    ("林", 1.0),
    ("罗", 0.9),
    ("郑", 0.9),
    ("梁", 0.8),
    ("谢", 0.7),
    ("宋", 0.6),
    ("唐", 0.6),
    ("许", 0.6),
    ("韩", 0.6),
    ("冯", 0.6),
    ("邓", 0.6),
    ("曹", 0.5),
    ("彭", 0.5),
    ("曾", 0.5),
    ("肖", 0.5),
    ("田", 0.5),
    ("董", 0.5),
    ("袁", 0.4),
    ("潘", 0.4),
    ("于", 0.4),
    ("蒋", 0.4),
    ("蔡", 0.4),
    ("余", 0.4),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.4),
    ("苏", 0.3),
    ("魏", 0.3),
    ("吕", 0.3),
    ("丁", 0.3),
    ("任", 0.3),
    ("沈", 0.3),
    ("姚", 0.3),
    ("卢", 0.3),
    ("姜", 0.3),
    ("崔", 0.3),
    ("钟", 0.3),
    ("谭", 0.3),
    ("陆", 0.2),
    ("汪", 0.2),
    ("范", 0.2),
    ("金", 0.2),
    ("石", 0.2),
    ("廖", 0.2),
    ("贾", 0.2),
    ("夏", 0.2),
    ("韦", 0.2),
    ("付", 0.2),
    ("方", 0.2),
    ("白", 0.2),
    ("邹", 0.2),
    ("孟", 0.2),
    ("熊", 0.2),
    ("秦", 0.2),
    ("邱", 0.2),
    ("江", 0.2),
    ("尹", 0.2),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("侯", 0.2),
    ("龙", 0.2),
    ("史", 0.2),
    ("陶", 0.1),
    ("黎", 0.1),
    ("贺", 0.1),
    ("顾", 0.1),
    ("毛", 0.1),
    ("郝", 0.1),
    ("龚", 0.1),
    ("邵", 0.1),
    ("万", 0.1),
    ("钱", 0.1),
    ("严", 0.1),
    ("覃", 0.1),
    ("武", 0.1),
    ("戴", 0.1),
    ("莫", 0.1),
    ("孔", 0.1),
    ("向", 0.1),
    ("汤", 0.1),
    ("欧阳", 0.03),
    ("单", 0.03),
    ("诸葛", 0.01),
    ("司马", 0.01),
]
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅波斌宇浩凯"
    "鹏辉飞鑫晨欣怡子涵梓萱雨轩一诺浩然思彤佳琪欣妍文博俊杰嘉怡梦瑶天佑宇航晓东海燕"
    "春梅淑珍丹凤玲慧颖婷雪琳欢莉璐倩楠旭阳光荣新华德胜永福振兴立成长青松柏云峰岩"
    "亮斌昊晗煜泽瑞祥安康乐宁静怡然世杰国庆建华志强美玲秋菊冬雪晓燕丽萍红霞金凤"
)
MODELS = [
    "朗逸",
    "速腾",
    "迈腾",
    "帕萨特",
    "途观L",
    "宝来",
    "卡罗拉",
    "凯美瑞",
    "雅阁",
    "思域",
    "轩逸",
    "天籁",
    "哈弗H6",
    "汉EV",
    "秦PLUS",
    "宝马3系",
    "奔驰C级",
    "奥迪A4L",
    "英朗",
    "CR-V",
]
WMIS = ["LSV", "LFV", "LGB", "LHG", "LVS", "LBV", "LE4", "LSG", "LGW", "LB3", "LC0", "LFM"]
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
REGIONS = [
    "110101",
    "310104",
    "440106",
    "440305",
    "320102",
    "330106",
    "510104",
    "420102",
    "370102",
    "210102",
    "610113",
    "500103",
    "120101",
    "350102",
    "430102",
    "410105",
]
DISTRICTS = ["北京市朝阳区", "北京市海淀区", "上海市浦东新区", "广东省广州市天河区",
             "广东省深圳市南山区", "江苏省南京市鼓楼区", "浙江省杭州市西湖区"]  # fmt: skip
SOURCES = ["展厅到店", "电话咨询", "网络线索", "老客户介绍", "车展", "二级网点"]
AREA_CODES = ["010", "021", "020", "0755", "025", "0571", "028", "027", "0531", "024"]


@dataclass
class FakeCustomer:
    name: str
    gender: str
    phones: list[str]
    id_number: str
    birthday: dt.date | None
    level: str
    source: str
    address: str
    vin: str
    plate: str
    model: str
    delivered_on: dt.date
    last_repair_on: dt.date | None


class Faker:
    def __init__(self, seed: int = 20261122):
        self.rng = random.Random(seed)
        self._surnames = [s for s, _ in SURNAMES]
        self._weights = [w for _, w in SURNAMES]
        self._given = list(dict.fromkeys(GIVEN))

    def name(self) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, self._weights)[0]
        length = 1 if rng.random() < 0.3 else 2
        return surname + "".join(rng.choice(self._given) for _ in range(length))

    def mobile(self) -> str:
        rng = self.rng
        return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"

    def landline(self) -> str:
        code = self.rng.choice(AREA_CODES)
        digits = 8 if len(code) == 3 else 7
        rest = self.rng.randrange(10 ** (digits - 1))
        return f"{code}{self.rng.randrange(2, 10)}{rest:0{digits - 1}d}"

    def vin(self, serial: int) -> str:
        rng = self.rng
        body = rng.choice(WMIS) + "".join(rng.choice(VIN_CHARS) for _ in range(5))
        tail = rng.choice("HJKLMNPRS") + rng.choice("ABCDEFGH") + f"{serial % 10**6:06d}"
        vin = body + "0" + tail
        return vin[:8] + vin_check_digit(vin) + vin[9:]

    def plate(self, serial: int) -> str:
        rng = self.rng
        province = rng.choice(PROVINCES)
        letter = rng.choice(PLATE_LETTERS.replace("Q", ""))
        if rng.random() < 0.2:  # new-energy plate
            kind, fourth = rng.choice("DF"), rng.choice(PLATE_LETTERS[:20])
            return f"{province}{letter}{kind}{fourth}{serial % 10**4:04d}"
        code = "".join(rng.choice(PLATE_LETTERS[:20] + "0123456789") for _ in range(2))
        return f"{province}{letter}{code}{serial % 1000:03d}"

    def id_number(self, birthday: dt.date, male: bool) -> str:
        seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{self.rng.choice(REGIONS)}{birthday:%Y%m%d}{seq:03d}"
        return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder digit

    def customer(self, serial: int, today: dt.date) -> FakeCustomer:
        rng = self.rng
        male = rng.random() < 0.62
        birthday = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 42))
        phones = [self.mobile()]
        if rng.random() < 0.2:
            phones.append(self.landline() if rng.random() < 0.5 else self.mobile())
        delivered = today - dt.timedelta(days=rng.randrange(1, 365 * 6))
        repaired = delivered + dt.timedelta(days=rng.randrange(30, 700))
        return FakeCustomer(
            name=self.name(),
            gender="male" if male else "female",
            phones=phones,
            id_number=self.id_number(birthday, male) if rng.random() < 0.6 else "",
            birthday=birthday,
            level=rng.choices(["normal", "member", "vip"], [80, 17, 3])[0],
            source=rng.choice(SOURCES),
            address=f"{rng.choice(DISTRICTS)}"
            f"{rng.randrange(1, 300)}号{rng.randrange(1, 30)}栋{rng.randrange(101, 2999)}室",
            vin=self.vin(serial),
            plate=self.plate(serial),
            model=rng.choice(MODELS),
            delivered_on=delivered,
            last_repair_on=repaired if repaired < today else None,
        )

    def customers(self, count: int, today: dt.date, start: int = 0) -> Iterator[FakeCustomer]:
        for i in range(start, start + count):
            yield self.customer(i, today)


CSV_HEADER = [
    "姓名",
    "性别",
    "电话",
    "身份证号",
    "级别",
    "来源",
    "地址",
    "车架号",
    "车牌号",
    "车型",
    "交车日期",
    "最近维修日期",
    "销售顾问",
]


def fake_customers_csv(count: int, *, seed: int, today: dt.date, start: int = 0) -> bytes:
    """A customer import file (the import's Chinese headers), as a DMS export would be."""
    import csv
    import io

    faker = Faker(seed)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADER)
    for cu in faker.customers(count, today, start):
        writer.writerow(
            [
                cu.name,
                cu.gender,
                ";".join(cu.phones),
                cu.id_number,
                cu.level,
                cu.source,
                cu.address,
                cu.vin,
                cu.plate,
                cu.model,
                cu.delivered_on,
                cu.last_repair_on or "",
                faker.name(),
            ]
        )
    return buf.getvalue().encode("utf-8-sig")
