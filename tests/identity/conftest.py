"""Shared fixtures: a population pinned to a fixed 'today' so ages and card dates are stable."""

from datetime import date

import pytest
from faker import Faker

from simulator.identity.population import Population
from simulator.identity.providers import ALL_PROVIDERS

TODAY = date(2026, 3, 1)


@pytest.fixture(scope="session")
def population() -> Population:
    return Population(seed=20250701, today=TODAY)


@pytest.fixture
def fake() -> Faker:
    f = Faker("vi_VN")
    for provider in ALL_PROVIDERS:
        f.add_provider(provider)
    f.seed_instance(1234)
    return f
