"""Independent validators for the facts a Vietnamese official would check, written from the sources.

Nothing here imports `simulator`: the tables are typed from the published texts (and checked
against other packages: python-stdnum for the tax-code check digit, dateutil for ages,
vietnam-provinces for communes), so a wrong table or rule in the generator cannot hide itself.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from stdnum.vn import mst

# Law on Marriage and Family 2014, art. 8(1)(a): men from full 20 years, women from full 18.
MARRIAGE_AGE = {"male": 20, "female": 18}
# Law on Health Insurance art. 12: children under 6 years of age (group TE).
TE_UNDER = 6

# Decision 1351/QĐ-BHXH: benefit level of each beneficiary group.
BENEFIT_LEVEL = {
    **dict.fromkeys(("CC", "TE"), 1),
    **dict.fromkeys(("CK", "CB", "KC", "HN", "DT", "DK", "XD", "BT", "TS"), 2),
    **dict.fromkeys(("HT", "TC", "CN"), 3),
    **dict.fromkeys(
        (
            "DN",
            "HX",
            "CH",
            "NN",
            "TK",
            "HC",
            "XK",
            "TB",
            "NO",
            "CT",
            "XB",
            "TN",
            "CS",
            "XN",
            "MS",
            "HD",
            "TQ",
            "TA",
            "TY",
            "HG",
            "LS",
            "PV",
            "HS",
            "SV",
            "GB",
            "GD",
        ),
        4,
    ),  # fmt: skip
    **dict.fromkeys(("QN", "CA", "CY"), 5),
}

# The 63 provinces before the 2025 merger, one a line: the statistics-office code (the citizen
# ID's birth-province digits), the tax authority's prefix of the tax code (MST), the name.
PRE_2025_TABLE = """
01 01 Hà Nội
02 51 Hà Giang
04 48 Cao Bằng
06 47 Bắc Kạn
08 50 Tuyên Quang
10 53 Lào Cai
11 56 Điện Biên
12 62 Lai Châu
14 55 Sơn La
15 52 Yên Bái
17 54 Hòa Bình
19 46 Thái Nguyên
20 49 Lạng Sơn
22 57 Quảng Ninh
24 24 Bắc Giang
25 26 Phú Thọ
26 25 Vĩnh Phúc
27 23 Bắc Ninh
30 08 Hải Dương
31 02 Hải Phòng
33 09 Hưng Yên
34 10 Thái Bình
35 07 Hà Nam
36 06 Nam Định
37 27 Ninh Bình
38 28 Thanh Hóa
40 29 Nghệ An
42 30 Hà Tĩnh
44 31 Quảng Bình
45 32 Quảng Trị
46 33 Thừa Thiên Huế
48 04 Đà Nẵng
49 40 Quảng Nam
51 43 Quảng Ngãi
52 41 Bình Định
54 44 Phú Yên
56 42 Khánh Hòa
58 45 Ninh Thuận
60 34 Bình Thuận
62 61 Kon Tum
64 59 Gia Lai
66 60 Đắk Lắk
67 64 Đắk Nông
68 58 Lâm Đồng
70 38 Bình Phước
72 39 Tây Ninh
74 37 Bình Dương
75 36 Đồng Nai
77 35 Bà Rịa - Vũng Tàu
79 03 Hồ Chí Minh
80 11 Long An
82 12 Tiền Giang
83 13 Bến Tre
84 21 Trà Vinh
86 15 Vĩnh Long
87 14 Đồng Tháp
89 16 An Giang
91 17 Kiên Giang
92 18 Cần Thơ
93 63 Hậu Giang
94 22 Sóc Trăng
95 19 Bạc Liêu
96 20 Cà Mau
"""
STAT_AND_TAX_CODES = [line.split(" ", 2)[:2] for line in PRE_2025_TABLE.strip().splitlines()]
PRE_2025_PROVINCES = {stat for stat, _ in STAT_AND_TAX_CODES}
TAX_PREFIX_OF_STAT_CODE = dict(STAT_AND_TAX_CODES)
TAX_PREFIXES = sorted(set(TAX_PREFIX_OF_STAT_CODE.values()))
# The tax code's check-digit weights (Circular 105/2020/TT-BTC), for the first nine digits.
MST_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def full_age(born: date, on: date) -> int:
    """Full years by dateutil (an implementation other than the generator's)."""
    return relativedelta(on, born).years


def is_valid_mst(code: str) -> bool:
    """python-stdnum's `vn.mst` validator (format and check digit)."""
    return mst.is_valid(code)
