"""The synthetic Vietnamese population: any valid 12-digit ID resolves to the same person everywhere.

How a record is derived
-----------------------
Nothing is stored. Every fact is a pure function of (seed, identifier): a blake2b digest of
`"{seed}:{kind}:{id}"` seeds the draws (see `derive`), so two `Population(seed)` objects agree,
another seed gives other people, and memory stays constant for any number of lookups.

* The ID fixes birth province, sex and birth year (`rules.check_citizen_id`); the rest of the
  birth date, the given and middle names (middle names by sex), blood group and phone come from
  the ID's own digest.
* Family name, ethnicity, religion and home town hang on the *clan key* — birth province plus
  the last three serial digits — which a father passes to his child (see `kinship`), so a
  child bears the father's family name and home town.
* Spouses are an involution on IDs (`Structure.partner`); whether a couple is married is drawn
  once from the husband's ID, so `citizen(c.spouse.id).spouse.id == c.id`. Only a man of full 20
  and a woman of full 18 are married (Law on Marriage and Family art. 8), counted birthday-aware
  by `rules.age_on`, the one age function every system uses.
* The father is the first candidate from `Structure.father_candidates` that exists, is married
  and whose wife was 18-45 full years old at the birth; the mother is his wife. Relatives' names are computed by
  the same functions as their own records, so `citizen(c.father.id).name == c.father.name`.
* The household head is the husband of a married couple, the father (or mother) of an unmarried
  person under 30, else the person; the permanent residence is derived from the head's ID, so a
  household shares one address.
* "Missing" people (share `missing_share`, drawn from the ID's digest) have no record: lookups
  return None and nobody names them as a relative.
* Derived history (deaths) ends at `EPOCH`, so records do not drift from day to day; ages,
  marriage eligibility and card validity are relative to `today`.

Insurance (`insurance.py`) and enterprises (`enterprise.py`) are derived from the same citizens.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from simulator.identity import enterprise as enterprise_mod
from simulator.identity import insurance as insurance_mod
from simulator.identity import overlays, wire
from simulator.identity.derive import digest, number, rng, unit
from simulator.identity.kinship import Structure, parts_of
from simulator.identity.personas import persona_for, personas
from simulator.identity.records import Citizen, Enterprise, InsuranceRecord, PersonName, Place, Relative
from simulator.identity.reference_data import communes, names, tables
from simulator.identity.rules import (
    FEMALE,
    MALE,
    MARRIAGE_MIN_AGE,
    MOBILE_PREFIXES,
    CitizenIdParts,
    age_on,
    check_citizen_id,
)
from simulator.provinces import all_provinces, successor_of

EPOCH = date(2025, 7, 1)
# Persona outcomes that must stay unmarried whatever chance says (they show an age or marriage edge).
SINGLE_OUTCOMES = frozenset({"single_adult", "adult_just_18", "minor_turning_18", "adult_just_20"})
NATIONALITY = "Việt Nam"
# Where people who left their home province live now (why: migration goes to the big cities).
_DESTINATIONS = ("79",) * 6 + ("01",) * 4 + ("48", "75", "92", "31", "24")


def _u(d: bytes, i: int) -> float:
    """The i-th uniform float packed in a digest (two per 16 bytes)."""
    return int.from_bytes(d[i * 8 : i * 8 + 7], "big") / 2**56


def _death_probability(birth_year: int) -> float:
    """Share of people born in a year who died before EPOCH (rough life table)."""
    for limit, share in ((1930, 0.9), (1940, 0.6), (1950, 0.3), (1960, 0.12), (1975, 0.04)):
        if birth_year < limit:
            return share
    return 0.005


class Population:
    """Every citizen, insurance participant and enterprise of one sandbox seed."""

    def __init__(self, seed: int, missing_share: float = 0.02, today: date | None = None, cache_size: int = 0):
        """`missing_share` of valid IDs have no record; `today` anchors ages and card validity.

        `cache_size` > 0 keeps that many derived citizens in an LRU: derivation is pure in
        (seed, missing_share, today, ID), so a cached record is the record; servers use it because
        connectors look the same people up again and again (0: derive every time).
        """
        if not 0.0 <= missing_share <= 1.0:
            raise ValueError(f"missing_share must be within 0..1, got {missing_share}")
        self._cached_citizen = lru_cache(maxsize=cache_size)(self._derive_citizen) if cache_size > 0 else None
        self.seed = seed
        self.missing_share = missing_share
        self.today = today or date.today()
        self.structure = Structure(seed)
        # Personas override chance; relatives they need must exist and agree (why the sets).
        self._forced_exists: set[str] = set()
        self._forced_married: set[str] = set()
        self._forced_single: set[str] = set()
        self._forced_deaths: dict[str, date] = {}
        self._forced_births: dict[str, date] = {}
        for persona in personas():
            if persona.kind == "citizen" and persona.outcome != "not_found":
                self._forced_exists.add(persona.identifier)
            if "birth_date" in persona.facts:
                self._forced_births[persona.identifier] = date.fromisoformat(persona.facts["birth_date"])
            if persona.outcome in ("married", "widowed"):
                partner = self.structure.partner(parts_of(persona.identifier), self.today.year)
                self._forced_married.add(persona.identifier)
                self._forced_exists.update(filter(None, (persona.identifier, partner)))
                if persona.outcome == "widowed" and partner:
                    self._forced_deaths[partner] = date.fromisoformat(persona.facts["spouse_death_date"])
            elif persona.outcome in SINGLE_OUTCOMES:
                self._forced_single.add(persona.identifier)
            elif persona.kind == "enterprise":
                rep = self.structure.representative_of(persona.identifier)
                self._forced_exists.update(filter(None, (rep,)))

    # --- cheap facts used by every derivation ------------------------------------------
    def parse(self, id12: str) -> CitizenIdParts:
        """Validate a citizen ID against today's date (raises InvalidIdentifier)."""
        return check_citizen_id(id12, self.today)

    def exists(self, id12: str) -> bool:
        """Whether a (valid) ID has a record in this population."""
        persona = persona_for(id12)
        if persona is not None and persona.outcome == "not_found":
            return False
        return id12 in self._forced_exists or unit(self.seed, "exists", id12) >= self.missing_share

    def death_date(self, id12: str, birth_year: int) -> date | None:
        """The date this person died, or None when alive."""
        forced = self._forced_deaths.get(id12)
        if forced is not None:
            return forced  # the husband of the `widowed` persona
        persona = persona_for(id12)
        if persona is not None:
            if persona.outcome == "deceased":
                return date.fromisoformat(persona.facts["death_date"])
            return None  # other personas must stay alive to show their outcome
        if birth_year >= EPOCH.year:
            return None
        d = digest(self.seed, "death", id12)
        if _u(d, 0) >= _death_probability(birth_year):
            return None
        first = date(min(birth_year + 40, EPOCH.year - 1), 1, 1)
        return first + timedelta(days=int(_u(d, 1) * (EPOCH - first).days))

    @staticmethod
    def _draw_birth_date(r, p: CitizenIdParts, today: date) -> date:
        """The birth date drawn as the first draw of a citizen's stream (a day of the ID's birth year)."""
        start = date(p.birth_year, 1, 1)
        days = (min(date(p.birth_year, 12, 31), today) - start).days + 1
        return start + timedelta(days=r.randrange(days))

    def birth_date(self, id12: str, p: CitizenIdParts) -> date:
        """This person's date of birth (what `citizen(id12).birth_date` says, derived cheaply)."""
        forced = self._forced_births.get(id12)
        if forced is not None:
            return forced
        return self._draw_birth_date(rng(self.seed, "citizen", id12), p, self.today)

    def age_at_least(self, id12: str, p: CitizenIdParts, years: int, on: date | None = None) -> bool:
        """Whether this person is `years` full years old on `on` (default today), birthday-aware.

        Only people born in the boundary year need their birth date (`rules.age_on`); the others
        are decided by the year alone, which keeps derivations cheap.
        """
        on = on or self.today
        diff = on.year - p.birth_year
        if diff != years:
            return diff > years
        return age_on(self.birth_date(id12, p), on) >= years

    def name_of(self, id12: str, p: CitizenIdParts) -> PersonName:
        """The name of the person with this ID (family name from the clan key)."""
        t = tables()
        family = t["family"].pick(unit(self.seed, "family", p.province_code + p.serial[3:]))
        d = digest(self.seed, "name", id12)
        sex = "male" if p.sex == MALE else "female"
        return PersonName(family, t[f"middle_{sex}"].pick(_u(d, 0)), t[f"given_{sex}"].pick(_u(d, 1)))

    def relative(self, id12: str) -> Relative:
        """A reference to another citizen: ID and name."""
        return Relative(id12, self.name_of(id12, parts_of(id12)))

    def spouse_id(self, id12: str, p: CitizenIdParts) -> str | None:
        """The spouse's ID when this person is married, else None (symmetric by construction)."""
        partner = self.structure.partner(p, self.today.year)
        if partner is None or id12 in self._forced_single or partner in self._forced_single:
            return None
        if id12 in self._forced_married or partner in self._forced_married:
            return partner
        q = parts_of(partner)
        (husband, hp), (wife, wp) = ((id12, p), (partner, q)) if p.sex == MALE else ((partner, q), (id12, p))
        # Law on Marriage and Family art. 8: men from full 20 years, women from full 18.
        if not (
            self.age_at_least(husband, hp, MARRIAGE_MIN_AGE[MALE])
            and self.age_at_least(wife, wp, MARRIAGE_MIN_AGE[FEMALE])
            and self.exists(partner)
        ):
            return None
        age = self.today.year - hp.birth_year
        share = 0.35 if age < 25 else 0.7 if age < 30 else 0.88
        return partner if unit(self.seed, "married", husband) < share else None

    def parents(self, id12: str, p: CitizenIdParts) -> tuple[str, str] | None:
        """(father ID, mother ID), or None when the parents are not in the database."""
        born = None  # the child's birth date, drawn once when a candidate needs it
        for father in self.structure.father_candidates(id12, p):
            if not self.exists(father):
                continue
            fp = parts_of(father)
            mother = self.spouse_id(father, fp)
            if mother is None:
                continue
            mp = parts_of(mother)
            mother_year = mp.birth_year
            # The mother was 18 to 45 full years old at the birth (birthday-aware at the edges).
            born = born or self.birth_date(id12, p)
            if not self.age_at_least(mother, mp, 18, born) or self.age_at_least(mother, mp, 46, born):
                continue
            fd, md = self.death_date(father, fp.birth_year), self.death_date(mother, mother_year)
            if (fd and fd.year < p.birth_year) or (md and md.year <= p.birth_year):
                continue
            return father, mother
        return None

    def household_head_id(self, id12: str, p: CitizenIdParts, known: dict | None = None) -> str:
        """The ID of the head of this person's household (whose address the household shares).

        `known` may carry what the caller already derived for this person (`spouse`, `spouse_death`,
        `parents`), so a citizen's derivation does not walk the same links twice.
        """
        known = known or {}
        spouse = known["spouse"] if "spouse" in known else self.spouse_id(id12, p)
        if spouse is not None:
            if p.sex == MALE:
                return id12
            death = known["spouse_death"] if "spouse_death" in known else self.death_date(spouse, parts_of(spouse).birth_year)
            return spouse if death is None else id12
        if not self.age_at_least(id12, p, 30):
            family = known["parents"] if "parents" in known else self.parents(id12, p)
            if family is not None:
                for parent in family:
                    if self.death_date(parent, parts_of(parent).birth_year) is None:
                        return parent
        return id12

    def address(self, key: str, home_province: str, kind: str = "address") -> Place:
        """A plausible address drawn from `key`: usually in the home province, else a big city."""
        d = digest(self.seed, kind, key)
        province_code = home_province if _u(d, 0) < 0.75 else _DESTINATIONS[d[7] % len(_DESTINATIONS)]
        return self.place_in(province_code, d)

    def place_in(self, province_code: str, d: bytes) -> Place:
        """A commune and street/hamlet detail in a province, drawn from the digest `d`."""
        options = communes(province_code)
        commune = options[d[8] % len(options)]
        n = names()
        if commune["name"].startswith("Phường"):
            detail = f"Số {d[9] % 200 + 1} đường {n['street_names'][d[10] % len(n['street_names'])]}"
        else:
            detail = f"{n['hamlet_words'][d[10] % 3]} {d[9] % 15 + 1}"
        return Place(province_code, commune["code"], detail)

    # --- records -----------------------------------------------------------------------
    def citizen(self, id12: str) -> Citizen | None:
        """The citizen with this 12-digit ID, or None when not in the database.

        Raises InvalidIdentifier for an ID that breaks the format rules (never cached).
        """
        if self._cached_citizen is not None:
            return self._cached_citizen(id12)
        return self._derive_citizen(id12)

    def _derive_citizen(self, id12: str) -> Citizen | None:
        p = self.parse(id12)
        if not self.exists(id12):
            return None
        r = rng(self.seed, "citizen", id12)
        home = successor_of(p.province_code[1:]).code
        clan = p.province_code + p.serial[3:]
        birth_date = self._draw_birth_date(r, p, self.today)  # first draw: keeps the stream's order
        birth_date = self._forced_births.get(id12, birth_date)
        t = tables()
        death = self.death_date(id12, p.birth_year)
        spouse = self.spouse_id(id12, p)
        marital = "single"
        known: dict = {"spouse": spouse}
        if spouse is not None:
            spouse_death = known["spouse_death"] = self.death_date(spouse, parts_of(spouse).birth_year)
            marital = "widowed" if spouse_death and not death else "married"
        family = known["parents"] = self.parents(id12, p)
        head = self.household_head_id(id12, p, known)
        permanent = self.address(head, successor_of(parts_of(head).province_code[1:]).code)
        current = permanent
        persona = persona_for(id12)
        if persona is not None and persona.outcome == "residence_changed":
            others = [pr.code for pr in all_provinces() if pr.code != permanent.province_code]
            moved_to = others[number(self.seed, "moved", id12) % len(others)]
            current = self.place_in(moved_to, digest(self.seed, "current", id12))
        elif r.random() < 0.12:  # why: some people live away from their registered address
            current = self.address(id12, permanent.province_code, kind="current")
        birth_d, home_d = digest(self.seed, "birthplace", id12), digest(self.seed, "hometown", clan)
        birth_communes, home_communes = communes(home), communes(home)
        old_id = None
        if p.birth_year < 2000 and r.random() < 0.7:
            old_id = f"{r.randrange(10_000_000, 999_999_999):09d}"
        return Citizen(
            id=id12,
            name=self.name_of(id12, p),
            sex=p.sex,
            birth_date=birth_date,
            ethnicity=t["ethnicity"].pick(unit(self.seed, "ethnicity", clan)),
            religion=t["religion"].pick(unit(self.seed, "religion", clan)),
            marital_status=marital,
            blood_group=t["blood"].pick(r.random()),
            nationality=NATIONALITY,
            old_id=old_id,
            birth_place=Place(home, birth_communes[birth_d[0] % len(birth_communes)]["code"]),
            home_town=Place(home, home_communes[home_d[0] % len(home_communes)]["code"]),
            permanent_residence=permanent,
            current_residence=current,
            father=self.relative(family[0]) if family else None,
            mother=self.relative(family[1]) if family else None,
            spouse=self.relative(spouse) if spouse else None,
            household_head=self.relative(head),
            phone=r.choice(MOBILE_PREFIXES) + f"{r.randrange(10**7):07d}",
            deceased=death is not None,
            death_date=death,
        )

    def insurance(self, identifier: str, citizen: Citizen | None = None) -> InsuranceRecord | None:
        """The insurance participant for a 12-digit ID or a 10-digit BHXH code, or None.

        `citizen`: the holder, when known and not derived here (a child registered through civil status).
        """
        return insurance_mod.derive_insurance(self, identifier, citizen)

    def bhxh_holder(self, identifier: str) -> str | None:
        """The 12-digit ID a citizen ID or BHXH code is issued to, or None when none is issued."""
        resolved = insurance_mod.resolve_holder(self, identifier)
        return resolved[0] if resolved else None

    def enterprise(self, msdn: str) -> Enterprise | None:
        """The enterprise with this 10-digit code (msdn), or None when not registered."""
        return enterprise_mod.derive_enterprise(self, msdn)

    def enterprises_of(self, citizen_id: str) -> list[str]:
        """The msdn codes of enterprises whose legal representative is this citizen."""
        return enterprise_mod.enterprises_of(self, citizen_id)

    # --- wire and overlays (thin delegates so callers need only a Population) ----------
    @staticmethod
    def to_congdan(citizen: Citizen) -> dict:
        """The population database's `CongDan` wire record (see `wire.to_congdan`)."""
        return wire.to_congdan(citizen)

    @staticmethod
    def to_doanhnghiep(ent: Enterprise) -> dict:
        """The business registration wire record (see `wire.to_doanhnghiep`)."""
        return wire.to_doanhnghiep(ent)

    @staticmethod
    def apply_overlays(citizen: Citizen, events: list[dict]) -> Citizen:
        """The citizen with stored change events applied (see `overlays.apply_overlays`)."""
        return overlays.apply_overlays(citizen, events)
