"""ARCHITECTURE.md stays true: its policy table and its layers are the code's."""

import configparser
from pathlib import Path

from django.conf import settings

from dangjian.accounts import policy

ROOT = Path(__file__).resolve().parents[1]


def test_the_policy_table_in_architecture_md_is_the_code_s():
    doc = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = {tuple(cell.strip() for cell in line.strip("|").split("|")[:2])
            for line in doc.splitlines() if line.startswith("| ") and "." in line.split("|")[1]}
    code = {(model, action) for model, action, *_ in policy.table()}
    assert code - rows == set(), "actions missing from ARCHITECTURE.md"
    assert {r for r in rows if r[0].count(".") == 1 and r[0][0].islower()} - code == set(), "stale rows"


def test_every_app_has_its_place_in_the_layers():
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:layers"]["layers"]
    ours = [app.split(".")[1] for app in settings.INSTALLED_APPS if app.startswith("dangjian.")]
    assert [app for app in ours if f"dangjian.{app}" not in layers] == []
