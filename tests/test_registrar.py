"""`file_under`: a decorator files the function in its table by name and leaves it unchanged."""

from simulator.flows import arrivals, push
from simulator.jobs.registry import HANDLERS, TASKS
from simulator.portal import exchange_services
from simulator.portal.services import HANDLERS as PORTAL_SERVICES
from simulator.registrar import file_under


def test_the_decorated_function_is_filed_by_name_and_returned_unchanged():
    table: dict = {}

    @file_under(table, "greet")
    def greet(name: str) -> str:
        return f"hello {name}"

    assert table == {"greet": greet}
    assert greet("An") == "hello An" and greet.__name__ == "greet"


def test_a_second_registration_under_a_name_replaces_the_first():
    table: dict = {}
    file_under(table, "x")(len)
    file_under(table, "x")(abs)
    assert table == {"x": abs}


def test_the_features_registered_their_handlers_tasks_and_services():
    assert HANDLERS[push.KIND].__module__ == push.__name__
    assert any(task.__module__ == arrivals.__name__ for task in TASKS.values())
    assert PORTAL_SERVICES["DongBoDanhGia"] is exchange_services.sync_rating_summaries
    assert {"DongBoHoSoMC", "TraCuuHoSo", "DongBoHoiDap"} <= set(PORTAL_SERVICES)
