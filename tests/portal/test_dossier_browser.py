"""The REST view of dossiers: filters, paging and who sees what."""

import pytest

from tests.conftest import ADMIN_TOKEN, dossier


@pytest.fixture
def seeded(portal, portal_for):
    for n, status in enumerate(["2", "4", "4"], start=1):
        portal.call(
            "DongBoHoSoMC",
            isUpdating="False",
            data=[dossier(f"000.00.01.H56-2611{20 + n}-000{n}", TrangThaiHoSo=status, NgayTiepNhan=f"202611{20 + n}080000")],
        )
    hanoi = portal_for("01")
    hanoi.call("DongBoHoSoMC", isUpdating="False", data=[dossier("000.00.01.H01-261126-0001")])
    return portal, hanoi


def get(client, path, token):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def test_admin_sees_all_and_filters(client, seeded):
    assert get(client, "/api/v1/dossiers", ADMIN_TOKEN).get_json()["total"] == 4
    assert get(client, "/api/v1/dossiers?province=56&status=4", ADMIN_TOKEN).get_json()["total"] == 2
    ranged = get(client, "/api/v1/dossiers?received_from=20261122000000&received_to=20261122235959", ADMIN_TOKEN)
    assert [d["MaHoSo"] for d in ranged.get_json()["items"]] == ["000.00.01.H56-261122-0002"]


def test_paging(client, seeded):
    page = get(client, "/api/v1/dossiers?page=2&page_size=3", ADMIN_TOKEN).get_json()
    assert page["total"] == 4 and len(page["items"]) == 1 and page["page"] == 2


def test_province_session_sees_only_its_own(client, seeded):
    khanh_hoa, _ = seeded
    listing = get(client, "/api/v1/dossiers", khanh_hoa.session).get_json()
    assert listing["total"] == 3 and all("H56" in d["MaHoSo"] for d in listing["items"])
    assert get(client, "/api/v1/dossiers?province=01", khanh_hoa.session).status_code == 403
    assert get(client, "/api/v1/dossiers/000.00.01.H01-261126-0001", khanh_hoa.session).status_code == 404


def test_single_dossier_has_history(client, seeded):
    found = get(client, "/api/v1/dossiers/000.00.01.H56-261121-0001", ADMIN_TOKEN).get_json()
    assert found["MaHoSo"] == "000.00.01.H56-261121-0001" and found["QuaTrinhXuLy"] == []


def test_missing_or_wrong_token_is_401(client, seeded):
    assert client.get("/api/v1/dossiers").status_code == 401
    assert get(client, "/api/v1/dossiers", "wrong").status_code == 401


def test_bad_filter_is_a_422_naming_it(client, seeded):
    reply = get(client, "/api/v1/dossiers?status=42", ADMIN_TOKEN)
    assert reply.status_code == 422 and "status" in reply.get_json()["message"]
