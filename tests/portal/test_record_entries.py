"""`record_entries`: each batch entry is validated and recorded on its own, one outcome per entry."""

from marshmallow import Schema, fields

from simulator.portal.services import record_entries
from simulator.portal.store import StoreError


class Entry(Schema):
    """A test entry: an id and a positive amount."""

    id = fields.String(required=True)
    amount = fields.Integer(required=True)


def test_each_entry_gets_its_own_outcome_and_only_valid_ones_are_recorded():
    recorded = []

    def record(entry: dict, ref: str) -> str:
        if entry["amount"] < 0:
            raise StoreError("-5", f"{ref}: amount below zero")
        recorded.append(ref)
        return f"stored {ref}"

    entries = [{"id": "a", "amount": 1}, {"id": "b"}, {"id": "c", "amount": -1}, "not an object", {"id": " d ", "amount": 2}]
    outcomes = [o.as_dict() for o in record_entries(Entry, entries, record, key="id", default_ref="caller")]
    assert recorded == ["a", "d"]
    assert [(o["id"], o["error_code"]) for o in outcomes] == [("a", "00"), ("b", "-1"), ("c", "-5"), ("caller", "-1"), ("d", "00")]
    assert outcomes[0]["message"] == "stored a"
    assert outcomes[1]["message"].startswith("data[1]") and "amount" in outcomes[1]["message"]
    assert outcomes[2]["message"] == "data[2]: c: amount below zero"


def test_a_blank_reference_falls_back_to_the_default_and_keeps_a_zero():
    outcomes = record_entries(Entry, [{"id": "  ", "amount": 1}, {"id": 0, "amount": 1}], lambda e, ref: ref, key="id", default_ref="H56")
    assert [o.MaHoSo for o in outcomes] == ["H56", "0"]
