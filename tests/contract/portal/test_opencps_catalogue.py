"""OpenCPS v2 importing the portal's catalogues, replayed literally against a served sandbox.

Client: VietOpenCPS/opencps-v2, DVCQGIntegrationActionImpl.java (master, release-candidate-3.0):
`doSyncGovernmentAgency` / `getSharingDictCollection` (LayDanhMucCoQuan on the share endpoint),
`doSyncServiceDomain` (LayDanhMucLinhVuc), `getServiceInfoDVCQG` (LayDanhSachTTHC),
`syncServiceInfo` (LayThuTuc), and on release-candidate-3.0 `doSyncServiceConfig` (LayDVC).
"""

from __future__ import annotations

import pytest

from simulator.catalogue import province_of_agency
from tests.contract.portal.conftest import get_array, get_int, get_integer, get_string

pytestmark = pytest.mark.live


def test_agencies_are_imported_as_madonvi_tendonvi_and_an_integer_capdonvi(opencps):
    """doSyncGovernmentAgency: getInt(error_code) == 0, non-empty result, MADONVI/TENDONVI/CAPDONVI."""
    qajson = opencps.sync_data({"service": "LayDanhMucCoQuan"}, "share_endpoint")
    assert get_int(qajson, "error_code") == 0 and get_array(qajson, "result")
    items = [(get_string(i, "MADONVI"), get_string(i, "TENDONVI"), get_integer(get_string(i, "CAPDONVI")))
             for i in qajson["result"]]  # fmt: skip
    assert all(code and name and level in (2, 4) for code, name, level in items)
    assert ("000.00.12.H56", "Sở Tư pháp tỉnh Khánh Hòa", 2) in items


def test_fields_are_imported_when_manganh_is_the_configured_unit(opencps):
    """doSyncServiceDomain keeps a field only if MANGANH equalsIgnoreCase config madonvi."""
    qajson = opencps.sync_data({"service": "LayDanhMucLinhVuc"}, "share_endpoint")
    assert get_int(qajson, "error_code") == 0
    kept = {get_string(i, "MALINHVUC"): get_string(i, "TENLINHVUC") for i in qajson["result"]
            if get_string(i, "MANGANH").lower() == opencps.config["madonvi"].lower()}  # fmt: skip
    assert kept.get("G09-TP03") == "Hộ tịch"


def test_procedure_list_and_detail_import_agencies_steps_and_fees(opencps):
    """getServiceInfoDVCQG maps MATTHC to TENTTHC; syncServiceInfo reads the detail as below."""
    listing = opencps.sync_data({"service": "LayDanhSachTTHC"})
    names = {get_string(i, "MATTHC"): get_string(i, "TENTTHC") for i in get_array(listing, "result")}
    assert names["2.000488"]
    detail = opencps.sync_data({"service": "LayThuTuc", "maTTHC": "2.000488"})
    assert get_integer(get_string(detail, "error_code")) == 0
    tmp = get_array(detail, "result")[0]
    assert get_string(tmp, "TENTTHC") == names["2.000488"] and get_string(tmp, "MATTHC") == "2.000488"
    steps = [get_string(t, "TENTRINHTU") for block in get_array(tmp, "TRINHTUTHUCHIEN")
             for t in get_array(block, "TRINHTU")]  # fmt: skip
    assert steps and all(steps) and "Sở Tư pháp tỉnh Khánh Hòa" in " ".join(steps)
    field = get_array(tmp, "LINHVUCTHUCHIEN")[0]
    assert get_string(field, "MALINHVUC") == "G09-TP02" and get_string(field, "TENLINHVUC")
    assert get_string(tmp, "MACOQUANCONGBO") == "000.00.00.H56"
    fees = []
    for way in get_array(tmp, "CACHTHUCTHUCHIEN"):
        assert get_int(way, "KENH") in (1, 2, 3)
        for time in get_array(way, "THOIGIAN"):
            assert get_int(time, "THOIGIANGIAIQUYET") > 0 and get_string(time, "DONVITINH")
            philephi = get_array(time, "PHILEPHI")
            if philephi:
                first = philephi[0]
                fees.append((get_string(first, "MAPHILEPHI"), float(first["SOTIEN"]), get_string(first, "DONVI")))
    assert ("LP01", 200000.0, "Đồng") in fees
    assert get_int(tmp, "TRANGTHAI") == 1, "OpenCPS marks a procedure not public unless TRANGTHAI is 1"
    agencies = [(get_string(a, "MADONVI"), get_string(a, "TENDONVI")) for a in get_array(tmp, "COQUANTHUCHIEN")]
    assert agencies == [("000.00.12.H56", "Sở Tư pháp tỉnh Khánh Hòa")]
    forms = [g for part in get_array(tmp, "THANHPHANHOSO") for g in get_array(part, "GIAYTO")]
    assert forms and all(get_string(g, "MAGIAYTO") and get_string(g, "TENGIAYTO") for g in forms)
    assert all(get_string(g, "URL") == "" for g in forms), "no template URL: OpenCPS skips the download"
    assert all(get_string(d, "TENDOITUONG") for d in get_array(tmp, "DOITUONGTHUCHIEN"))
    assert all(get_string(k, "TENKETQUA") for k in get_array(tmp, "KETQUATHUCHIEN"))
    assert all(get_string(c, "SOVANBAN") for c in get_array(tmp, "CANCUPHAPLY"))
    assert get_string(tmp, "YEUCAU") is not None


def test_online_services_are_read_from_result_data(opencps):
    """doSyncServiceConfig: getJSONObject("result").getJSONArray("data"), MADVC, TENDVC, MATTHC ..."""
    reply = opencps.sync_data({"service": "LayDVC"})
    data = reply["result"]["data"]
    assert data and reply["result"]["total"] == len(data)
    for obj in data:
        for key in ("MADVC", "TENDVC", "MATTHC", "TENTTHC", "TENCOQUANBANHANH", "TENLINHVUC"):
            assert get_string(obj, key), key
        assert isinstance(obj["APDUNGDVC"], list)
        assert all(province_of_agency(a["MADONVI"]) == "56" and a["TENDONVI"] for a in obj["APDUNGDVC"])
    one = opencps.sync_data({"service": "LayDVC", "maTTHC": data[0]["MATTHC"]})["result"]["data"]
    assert [d["MATTHC"] for d in one] == [data[0]["MATTHC"]]
