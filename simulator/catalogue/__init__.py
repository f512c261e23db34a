"""The procedure catalogue: procedures (TTHC), fields (lĩnh vực), agencies, and their wire forms.

The data lives in `simulator/data/{procedures,fields,agencies}.json`; the submodules only
read it (cached): `procedures` (procedures, fields, sectors), `agencies` (agency templates
instantiated for the 34 provinces) and `wire` (the upper-case mappers for `LayThuTuc`,
`LayDanhSachTTHC`, `LayDanhMucCoQuan`, `LayDanhMucLinhVuc`).
"""

from simulator.catalogue.agencies import (
    Agency,
    agencies,
    agency,
    agency_kinds,
    agency_procedures,
    generic_agency_name,
    implementing_agency,
    province_of_agency,
)
from simulator.catalogue.procedures import (
    Applicant,
    Channel,
    Document,
    Fee,
    Field,
    LegalDocument,
    Procedure,
    Sector,
    field,
    fields,
    procedure,
    procedures,
    sector,
    sectors,
    split_procedure_code,
)
from simulator.catalogue.wire import to_coquan, to_danhsach_tthc, to_laythutuc, to_linhvuc

__all__ = [
    "Agency",
    "Applicant",
    "Channel",
    "Document",
    "Fee",
    "Field",
    "LegalDocument",
    "Procedure",
    "Sector",
    "agencies",
    "agency",
    "agency_kinds",
    "agency_procedures",
    "field",
    "fields",
    "generic_agency_name",
    "implementing_agency",
    "procedure",
    "procedures",
    "province_of_agency",
    "sector",
    "sectors",
    "split_procedure_code",
    "to_coquan",
    "to_danhsach_tthc",
    "to_laythutuc",
    "to_linhvuc",
]
