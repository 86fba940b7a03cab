"""The README opens with the two commands that work on a fresh machine; CI runs the second."""

from __future__ import annotations

import re

from tests.conftest import ROOT


def opening_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_readme_opens_with_a_run_command_and_a_test_command():
    run, test = opening_commands()
    assert run == "bash scripts/setup.sh && .venv/bin/curate run"
    assert test == "bash scripts/setup.sh && .venv/bin/python -m pytest"


def test_ci_runs_the_readme_test_command():
    _, test = opening_commands()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test in ci.splitlines()


def test_setup_installs_the_cpu_torch_first():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert setup.index('"torch==2.13.0"') < setup.index('-e ".[dev]"')
