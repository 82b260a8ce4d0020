"""`wfhdoc schema`: the JSON Schema of a letter file."""

from __future__ import annotations

import json

import click

from ..i18n import N_
from ..letter.model import json_schema
from .options import command


@command(
    help=N_(
        "Print the JSON Schema of a letter file, for editors to check and autocomplete.\n\n"
        "\b\nExample:\n  wfhdoc schema > data/letter.schema.json"
    )
)
def schema() -> None:
    click.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))
