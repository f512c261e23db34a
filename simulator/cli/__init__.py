"""The command line: a thin click layer over the library, one module per command group
(serve, credentials, settings and personas, scenario, requests, connector and submit, certify).

Each command parses its arguments and calls library functions; what it prints is the library's
answer formatted (text table, JSON or markdown).
"""

from __future__ import annotations

import click

from simulator import __version__
from simulator.cli.certify import certify
from simulator.cli.connector import connector, submit
from simulator.cli.credentials import credentials
from simulator.cli.reference import personas, settings_cmd
from simulator.cli.requests_tail import requests_group
from simulator.cli.scenario import scenario
from simulator.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="portal-sandbox")
def main() -> None:
    """The national portal sandbox: Vietnam's public service portal and ministry systems, imitated.

    \b
    Example:
      python -m simulator serve --port 8000
      python -m simulator credentials --format json
    """


for _command in (serve, credentials, settings_cmd, scenario, requests_group, personas, connector, submit, certify):
    main.add_command(_command)
