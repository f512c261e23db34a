"""The population is deterministic, consistent across systems and families, and honours missing share."""

import random
import tracemalloc

import pytest

from simulator.identity.population import Population
from simulator.identity.reference_data import commune_index, names
from simulator.identity.rules import InvalidIdentifier
from simulator.identity.wire import to_congdan, to_doanhnghiep
from tests.identity.conftest import TODAY
from tests.identity.samples import random_msts

NAMES = names()
FAMILY = {n for n, _ in NAMES["family_names"]}
MIDDLE_MALE = {n for n, _ in NAMES["middle_names_male"]}
MIDDLE_FEMALE = {n for n, _ in NAMES["middle_names_female"]}
OLD_CODES = ["001", "038", "079", "048", "092", "031", "046", "024", "067", "095"]


def random_ids(n: int, seed: int = 7, years=(40, 100)) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(OLD_CODES)}{rng.randrange(2)}{rng.randrange(*years):02d}{rng.randrange(10**6):06d}" for _ in range(n)]


def existing(population, n: int, seed: int = 7, having: str | None = None):
    """The citizens among `n` random IDs who exist (and, given `having`, whose relation of that name is known)."""
    found = [c for c in map(population.citizen, random_ids(n, seed)) if c is not None]
    return [c for c in found if getattr(c, having) is not None] if having else found


def assert_name_in_order(name, sex):
    assert name.family in FAMILY
    if sex == "male":
        assert name.middle in MIDDLE_MALE and name.middle != "Thị"
        assert name.given in NAMES["given_names_male"]
    else:
        assert name.middle in MIDDLE_FEMALE
        assert name.given in NAMES["given_names_female"]


def test_names_are_in_vietnamese_order_with_gender_consistent_middle_names(population, fake):
    for citizen in existing(population, 500):
        assert_name_in_order(citizen.name, citizen.sex)
        assert citizen.name.full.split()[0] == citizen.name.family
    for _ in range(2000):
        sex = fake.random_element(("male", "female"))
        family, middle, given = fake.vn_name_parts(sex)
        assert fake.vn_full_name(sex).split()[0] in FAMILY
        assert family in FAMILY and given
        assert middle in (MIDDLE_MALE if sex == "male" else MIDDLE_FEMALE)


def test_female_middle_names_are_mostly_thi_and_males_never(population):
    people = existing(population, 1500)
    women = [c for c in people if c.sex == "female"]
    assert 0.3 < sum(c.name.middle == "Thị" for c in women) / len(women) < 0.6
    assert not any(c.name.middle == "Thị" for c in people if c.sex == "male")


def test_sex_and_birth_year_match_the_id(population):
    for citizen in existing(population, 500):
        digit = int(citizen.id[3])
        assert citizen.sex == ("male" if digit % 2 == 0 else "female")
        assert citizen.birth_date.year == 1900 + 100 * (digit // 2) + int(citizen.id[4:6])
        assert citizen.birth_date <= TODAY


def test_birth_province_is_the_successor_of_the_id_province(population):
    cases = {"079": "79", "077": "79", "074": "79", "001": "01", "030": "31", "095": "96"}
    for old, new in cases.items():
        citizen = next(filter(None, (population.citizen(f"{old}0{y}123456") for y in range(60, 99))))
        assert citizen.birth_place.province_code == new
        assert commune_index()[citizen.birth_place.commune_code][0] == new


def test_same_seed_gives_same_people_and_another_seed_different(population):
    again = Population(seed=20250701, today=TODAY)
    other = Population(seed=1, today=TODAY)
    ids = random_ids(300)
    same = [population.citizen(i) == again.citizen(i) for i in ids]
    assert all(same)
    pairs = [(population.citizen(i), other.citizen(i)) for i in ids]
    names_differ = sum(a.name != b.name for a, b in pairs if a and b)
    assert names_differ > 250


def test_same_id_same_person_in_every_system(population):
    checked_insurance = checked_enterprise = 0
    for citizen in existing(population, 3000, seed=11):
        record = population.insurance(citizen.id)
        if record is not None:
            checked_insurance += 1
            assert (record.name, record.birth_date, record.sex) == (
                citizen.name,
                citizen.birth_date,
                citizen.sex,
            )
            by_code = population.insurance(record.bhxh_code)
            assert by_code == record
        for msdn in population.enterprises_of(citizen.id):
            checked_enterprise += 1
            ent = population.enterprise(msdn)
            assert ent.representative.id == citizen.id and ent.representative.name == citizen.name
            assert to_doanhnghiep(ent)["DaiDienPhapLuat"][0]["ThongTinCaNhan"][0]["HoVaTen"] == citizen.name.full
    assert checked_insurance > 1000 and checked_enterprise > 20


def test_enterprise_representative_lists_the_enterprise(population):
    found = 0
    for msdn in random_msts(random.Random(3), ["01", "03", "04", "02"], 3000):
        ent = population.enterprise(msdn)
        if ent is None:
            continue
        found += 1
        assert population.enterprises_of(ent.representative.id) == [ent.msdn]
        assert population.citizen(ent.representative.id).name == ent.representative.name
        assert sum(i.main for i in ent.industries) == 1
        assert all(len(i.code) == 4 and i.code.isdigit() for i in ent.industries)
    assert found > 2000


def test_parents_are_consistent_and_older(population):
    children = existing(population, 1500, seed=13, having="father")
    assert len(children) > 500
    for citizen in children:
        father, mother = population.citizen(citizen.father.id), population.citizen(citizen.mother.id)
        assert father.name == citizen.father.name and mother.name == citizen.mother.name
        assert father.sex == "male" and mother.sex == "female"
        assert 22 <= citizen.birth_year - father.birth_year <= 40
        assert 18 <= citizen.birth_year - mother.birth_year <= 45
        assert father.spouse.id == mother.id and mother.spouse.id == father.id
        assert citizen.name.family == father.name.family  # children take the father's family name
        assert citizen.home_town == father.home_town
        # stable: asking again gives the same parents
        assert population.citizen(citizen.id).father == citizen.father


def test_spouses_point_at_each_other(population):
    married = existing(population, 1500, seed=17, having="spouse")
    assert len(married) > 300
    for citizen in married:
        spouse = population.citizen(citizen.spouse.id)
        assert spouse.spouse.id == citizen.id
        assert spouse.name == citizen.spouse.name
        assert spouse.sex != citizen.sex
        assert abs(spouse.birth_year - citizen.birth_year) <= 10
        assert min(spouse.birth_year, citizen.birth_year) <= TODAY.year - 18


def test_household_shares_the_heads_address(population):
    for citizen in existing(population, 800, seed=19):
        head = population.citizen(citizen.household_head.id)
        assert head.household_head.id == head.id
        assert head.permanent_residence == citizen.permanent_residence
        assert commune_index()[citizen.permanent_residence.commune_code][0] == (citizen.permanent_residence.province_code)


def test_missing_share_is_about_two_percent_and_configurable():
    ids = random_ids(20_000, seed=23)
    default = Population(seed=5, today=TODAY)
    missing = sum(not default.exists(i) for i in ids) / len(ids)
    assert 0.015 < missing < 0.025
    assert all((default.citizen(i) is None) == (not default.exists(i)) for i in ids[:1000])
    tenth = Population(seed=5, missing_share=0.10, today=TODAY)
    assert 0.09 < sum(not tenth.exists(i) for i in ids) / len(ids) < 0.11
    assert all(Population(seed=5, missing_share=0.0, today=TODAY).exists(i) for i in ids[:2000])
    with pytest.raises(ValueError):
        Population(seed=5, missing_share=1.5)


def test_nobody_names_a_missing_person(population):
    for citizen in existing(population, 800, seed=29):
        for rel in (citizen.father, citizen.mother, citizen.spouse, citizen.household_head):
            if rel is not None:
                assert population.exists(rel.id)


def test_congdan_wire_record_has_the_domain_field_names(population):
    citizen = existing(population, 50)[0]
    wire = to_congdan(citizen)
    for key in ("SoDinhDanh", "SoCMND", "HoVaTen", "GioiTinh", "DanToc", "TonGiao", "TinhTrangHonNhan",
                "NhomMau", "NgayThangNamSinh", "QuocTich", "NoiDangKyKhaiSinh", "QueQuan", "ThuongTru",
                "NoiOHienTai", "Cha", "Me", "VoChong", "ChuHo"):  # fmt: skip
        assert key in wire
    assert set(wire["HoVaTen"]) == {"Ho", "ChuDem", "Ten"}
    assert set(wire["ThuongTru"]) == {"MaTinhThanh", "MaQuanHuyen", "MaPhuongXa", "ChiTiet", "QuocGia"}
    assert wire["GioiTinh"] in {"1", "2"} and wire["QuocTich"] == "VN"
    assert wire["NgayThangNamSinh"] == {
        "Nam": citizen.birth_date.strftime("%Y"),
        "NgayThangNam": citizen.birth_date.strftime("%Y%m%d"),
    }


def test_lookup_memory_does_not_grow_with_distinct_ids(population):

    ids = random_ids(1500, seed=31)
    for i in ids[:500]:
        population.citizen(i)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in ids[500:]:
        population.citizen(i)
        population.insurance(i)
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert growth < 200_000


def test_the_identity_cache_returns_the_derived_record_and_stays_bounded(population):
    cached = Population(seed=20250701, today=TODAY, cache_size=50)
    ids = random_ids(300, seed=11)
    for id12 in ids + ids[-20:] + ids[:20]:  # re-reads recent entries (hits) and evicted ones (derived again)
        assert cached.citizen(id12) == population.citizen(id12)
    info = cached._cached_citizen.cache_info()
    assert info.currsize == 50 and info.hits >= 20


def test_invalid_ids_are_refused_every_time_with_the_cache_on():

    cached = Population(seed=20250701, today=TODAY, cache_size=10)
    for _ in range(2):
        with pytest.raises(InvalidIdentifier):
            cached.citizen("999000000000")
