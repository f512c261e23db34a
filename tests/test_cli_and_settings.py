"""The command line and the settings registry."""

import base64
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator import config, credential_sheet, reference_tables
from simulator.cli import main
from simulator.clients import by_province
from simulator.identity.personas import personas
from tests.conftest import SEED, settings_env

ROOT = Path(__file__).resolve().parent.parent


def all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from all_commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in all_commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_credentials_json_lists_34_province_clients():
    rows = json.loads(CliRunner().invoke(main, ["credentials", "--format", "json"]).output)
    assert len(rows) == 34
    assert {
        "province_code",
        "province_name",
        "username",
        "password",
        "madonvi",
        "gateway_key",
        "gateway_secret",
    } <= set(rows[0])
    assert len({r["username"] for r in rows}) == 34


def test_credentials_table_lists_every_province():
    output = CliRunner().invoke(main, ["credentials"]).output
    assert "dvc_h79" in output and "000.00.00.H96" in output


def test_the_settings_table_in_the_docs_is_the_registry():
    for setting in config.SETTINGS.values():
        assert setting.doc.strip(), setting.name
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    printed = CliRunner().invoke(main, ["settings", "--format", "markdown"]).output.strip()
    assert printed in docs, "docs/cli.md is stale: python -m simulator settings --format markdown"


def test_settings_used_in_code_are_registered():

    used = set()
    for path in (ROOT / "simulator").rglob("*.py"):
        used |= set(re.findall(r'settings\(\)\["(\w+)"\]', path.read_text(encoding="utf-8")))
    assert used <= set(config.SETTINGS), used - set(config.SETTINGS)


def test_setting_above_its_cap_is_refused_naming_it():
    with pytest.raises(config.SettingError, match="session_ttl_seconds"):
        config.resolve({"session_ttl_seconds": 10**9})


def test_setting_from_environment_is_typed():
    assert config.resolve(environ={"SANDBOX_PORT": "9001"})["port"] == 9001
    with pytest.raises(config.SettingError, match="SANDBOX_PORT"):
        config.resolve(environ={"SANDBOX_PORT": "abc"})


def test_unknown_setting_is_refused():
    with pytest.raises(config.SettingError, match="unknown"):
        config.resolve({"no_such_thing": 1})


def test_every_persona_is_in_the_docs():

    readme = (ROOT / "docs" / "identity.md").read_text(encoding="utf-8")
    for persona in personas():
        assert persona.identifier in readme, persona.identifier


def test_personas_command_lists_at_least_12():
    rows = json.loads(CliRunner().invoke(main, ["personas", "--format", "json"]).output)
    assert len(rows) >= 12 and len({r["outcome"] for r in rows}) == len(rows)


def test_connector_set_stores_the_body_style_pushes_use(tmp_path):
    db = str(tmp_path / "cli.db")
    args = ["connector", "set", "--province", "56", "--url", "http://127.0.0.1:9/push", "--secret", "S3cret-56"]
    nested = CliRunner().invoke(main, [*args, "--body-style", "nested", "--db", db])
    assert nested.exit_code == 0 and "nested bodies" in nested.output
    listed = CliRunner().invoke(main, ["connector", "list", "--db", db]).output
    assert "body style" in listed and "nested" in listed.splitlines()[-1]
    flat = CliRunner().invoke(main, [*args, "--db", db])
    assert "flat bodies" in flat.output
    refused = CliRunner().invoke(main, [*args, "--body-style", "xml", "--db", db])
    assert refused.exit_code == 2 and "body-style" in refused.output


def test_the_personas_table_in_the_docs_is_the_registry():
    docs = (ROOT / "docs" / "identity.md").read_text(encoding="utf-8")
    assert reference_tables.personas_markdown() in docs, "docs/identity.md is stale: python -m simulator personas --format markdown"


def test_credential_sheet_reads_no_database_into_existence(tmp_path):
    missing = tmp_path / "none.db"
    rows = credential_sheet.sheet(SEED, str(missing), "56")
    assert [r["province_code"] for r in rows] == ["56"] and rows[0]["gateway_dialect"] == "all"
    assert not missing.exists()


def test_credential_sheet_shows_a_stored_dialect_and_refuses_an_unknown_province(tmp_path):
    db = str(tmp_path / "sheet.db")
    credential_sheet.set_dialect(SEED, db, "56", "lgspaccesstoken")
    assert credential_sheet.sheet(SEED, db, "56")[0]["gateway_dialect"] == "lgspaccesstoken"
    with pytest.raises(credential_sheet.UnknownProvinceError, match="'99'"):
        credential_sheet.sheet(SEED, db, "99")
    with pytest.raises(credential_sheet.UnknownProvinceError, match="'99'"):
        credential_sheet.set_dialect(SEED, db, "99", "oauth2")


def test_credential_sheet_token_requests_carry_the_gateway_key_and_secret():
    client = by_province(SEED, "56")
    requests = credential_sheet.token_requests(client)
    basic = requests["oauth2_basic"]["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(basic).decode() == f"{client.gateway_key}:{client.gateway_secret}"
    assert f"client_id={client.gateway_key}&client_secret={client.gateway_secret}" in requests["oauth2_form"]["body"]
    assert json.loads(base64.b64decode(requests["lgspaccesstoken"]["lgspaccesstoken"]))["SecretKey"] == client.gateway_secret


def test_settings_env_names_each_setting_by_its_environment_variable_and_refuses_a_bad_one():
    assert settings_env(runner_poll_ms=50, job_max_attempts=3) == {"SANDBOX_RUNNER_POLL_MS": "50", "SANDBOX_JOB_MAX_ATTEMPTS": "3"}
    with pytest.raises(config.SettingError, match="no_such_setting"):
        settings_env(no_such_setting=1)
    with pytest.raises(config.SettingError, match="session_ttl_seconds"):
        settings_env(session_ttl_seconds=10**9)
