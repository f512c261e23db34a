"""National population database (CSDL quốc gia về dân cư, police): verify and look up citizens.

Contract (docs/contract.md, population section, from public clients):

* SOAP, as real clients send it: `POST /population/{operation}` or `POST /population/soap`
  with an envelope in `http://dancuquocgia.bca` whose Body element names the operation
  (`TraCuuThongTinCongDan`, `XacThucThongTinCongDan`, `XacMinhThongTinNhanThan`,
  `CungCapThongTinCongDan`); fields `MaYeuCau, MaDVC (may be empty), MaTichHop, MaCanBo (may be
  absent), SoDinhDanh | SoCMND, HoVaTen, NgayThangNamSinh{NgayThangNam | Nam}`; unknown fields
  (`MaDonVi`, `TaiKhoan`, `type`, ...) are ignored. The reply is
  `Envelope/Body/CongdanCollection/CongDan`: empty when no citizen has this ID, name and birth
  date (the database answers a look-up only for a matching declaration).
* The same envelope wrapped by a provincial gateway as JSON `{"data": "<soapenv:Envelope ..."}`
  (OpenCPS `QLCDIntegrationActionImpl`) is answered in SOAP, as that client parses it.
* JSON look-ups (camelCase `{maYeuCau, maDVC, maCanBo, soDinhDanh, hoVaTen, ngayThangNam}` or the
  SOAP field names) get `{"Envelope": {"Body": {"CongdanCollection": {"CongDan": {...}}}}}`.
* `POST /population/verify` and `/population/lookup` (our design) answer
  `{error_code, message, MaYeuCau, ...}`.

| error_code | HTTP | meaning |
|---|---|---|
| "0" | 200 | success (also for verify with TonTai false) |
| "1" | 400/413/415 | malformed request: bad JSON/XML, missing or invalid field, wrong content type |
| "2" | 400 | SoDinhDanh breaks an identifier rule (the message names the rule) |
| "3" | 401/403 | gateway: token or access right (answered by the gateway in OAuth2 shape) |
| "4" | 404 | lookup: no citizen with this ID |
| "8" | 429 | too many requests |
| "9" | 5xx | system error or maintenance |

SOAP callers get errors as SOAP Faults carrying the same `{error_code, message}`.

The package: `schemas` (the request and the replies), `citizens` (reading a request in any of
its forms and answering it from the citizen records), `routes` (the declaration and the views).
"""

from __future__ import annotations

SYSTEM = "population"
# SOAP operations public clients call, and what each answers.
LOOKUP_OPERATIONS = ("TraCuuThongTinCongDan", "XacMinhThongTinNhanThan", "CungCapThongTinCongDan")
VERIFY_OPERATIONS = ("XacThucThongTinCongDan",)
SOAP_OPERATIONS = LOOKUP_OPERATIONS + VERIFY_OPERATIONS
