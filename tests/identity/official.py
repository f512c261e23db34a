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

# Tax authority province prefixes of the tax code, by the province's name (pre-2025 provinces).
TAX_PREFIX_BY_NAME = {
    "Hà Nội": "01", "Hải Phòng": "02", "Hồ Chí Minh": "03", "Đà Nẵng": "04", "Nam Định": "06", "Hà Nam": "07",
    "Hải Dương": "08", "Hưng Yên": "09", "Thái Bình": "10", "Long An": "11", "Tiền Giang": "12", "Bến Tre": "13",
    "Đồng Tháp": "14", "Vĩnh Long": "15", "An Giang": "16", "Kiên Giang": "17", "Cần Thơ": "18", "Bạc Liêu": "19",
    "Cà Mau": "20", "Trà Vinh": "21", "Sóc Trăng": "22", "Bắc Ninh": "23", "Bắc Giang": "24", "Vĩnh Phúc": "25",
    "Phú Thọ": "26", "Ninh Bình": "27", "Thanh Hóa": "28", "Nghệ An": "29", "Hà Tĩnh": "30", "Quảng Bình": "31",
    "Quảng Trị": "32", "Thừa Thiên Huế": "33", "Bình Thuận": "34", "Bà Rịa - Vũng Tàu": "35", "Đồng Nai": "36",
    "Bình Dương": "37", "Bình Phước": "38", "Tây Ninh": "39", "Quảng Nam": "40", "Bình Định": "41",
    "Khánh Hòa": "42", "Quảng Ngãi": "43", "Phú Yên": "44", "Ninh Thuận": "45", "Thái Nguyên": "46",
    "Bắc Kạn": "47", "Cao Bằng": "48", "Lạng Sơn": "49", "Tuyên Quang": "50", "Hà Giang": "51", "Yên Bái": "52",
    "Lào Cai": "53", "Hòa Bình": "54", "Sơn La": "55", "Điện Biên": "56", "Quảng Ninh": "57", "Lâm Đồng": "58",
    "Gia Lai": "59", "Đắk Lắk": "60", "Kon Tum": "61", "Lai Châu": "62", "Hậu Giang": "63", "Đắk Nông": "64",
}  # fmt: skip
# Statistics-office codes of the same pre-2025 provinces (the citizen ID's birth-province digits).
STAT_CODE_BY_NAME = {
    "Hà Nội": "01", "Hà Giang": "02", "Cao Bằng": "04", "Bắc Kạn": "06", "Tuyên Quang": "08", "Lào Cai": "10",
    "Điện Biên": "11", "Lai Châu": "12", "Sơn La": "14", "Yên Bái": "15", "Hòa Bình": "17", "Thái Nguyên": "19",
    "Lạng Sơn": "20", "Quảng Ninh": "22", "Bắc Giang": "24", "Phú Thọ": "25", "Vĩnh Phúc": "26", "Bắc Ninh": "27",
    "Hải Dương": "30", "Hải Phòng": "31", "Hưng Yên": "33", "Thái Bình": "34", "Hà Nam": "35", "Nam Định": "36",
    "Ninh Bình": "37", "Thanh Hóa": "38", "Nghệ An": "40", "Hà Tĩnh": "42", "Quảng Bình": "44", "Quảng Trị": "45",
    "Thừa Thiên Huế": "46", "Đà Nẵng": "48", "Quảng Nam": "49", "Quảng Ngãi": "51", "Bình Định": "52",
    "Phú Yên": "54", "Khánh Hòa": "56", "Ninh Thuận": "58", "Bình Thuận": "60", "Kon Tum": "62", "Gia Lai": "64",
    "Đắk Lắk": "66", "Đắk Nông": "67", "Lâm Đồng": "68", "Bình Phước": "70", "Tây Ninh": "72", "Bình Dương": "74",
    "Đồng Nai": "75", "Bà Rịa - Vũng Tàu": "77", "Hồ Chí Minh": "79", "Long An": "80", "Tiền Giang": "82",
    "Bến Tre": "83", "Trà Vinh": "84", "Vĩnh Long": "86", "Đồng Tháp": "87", "An Giang": "89", "Kiên Giang": "91",
    "Cần Thơ": "92", "Hậu Giang": "93", "Sóc Trăng": "94", "Bạc Liêu": "95", "Cà Mau": "96",
}  # fmt: skip
TAX_PREFIX_OF_STAT_CODE = {STAT_CODE_BY_NAME[name]: prefix for name, prefix in TAX_PREFIX_BY_NAME.items()}


def full_age(born: date, on: date) -> int:
    """Full years by dateutil (an implementation other than the generator's)."""
    return relativedelta(on, born).years


def is_valid_mst(code: str) -> bool:
    """python-stdnum's `vn.mst` validator (format and check digit)."""
    return mst.is_valid(code)
