"""dbt-project-evaluator on a throwaway copy of the project (`make evaluate`, not in make test).

The package hub is unreachable, so the evaluator and dbt_utils are installed as `local:` packages
from ../shared/dbt_packages into a copy under build/evaluator/; the project itself never depends
on them. The documented exceptions (rules the design breaks on purpose, each with its reason) are
checks/dbt_project_evaluator_exceptions.csv. Prints one line per remaining finding and exits 1
when there is any.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ["models", "macros", "seeds", "tests", "analyses", "dbt_project.yml", "profiles.yml"]
EXCEPTIONS = ROOT / "checks" / "dbt_project_evaluator_exceptions.csv"
PROJECT_EXTRA = """
dispatch:
  - macro_namespace: dbt
    search_order: ["dbt_project_evaluator", "dbt"]
"""
SEEDS_EXTRA = """
  dbt_project_evaluator:
    dbt_project_evaluator_exceptions:
      +enabled: false
"""
EVALUATOR_VARS = {
    # the project's own multi-column key test counts as a primary-key test
    "primary_key_test_macros": [
        ["dbt.test_unique", "dbt.test_not_null"],
        ["dbt_utils.test_unique_combination_of_columns"],
        ["funnelhouse.test_unique_combination"],
    ],
}


def make_copy(packages: Path, workdir: Path) -> Path:
    """The project's dbt files, the exceptions seed and the local packages, in workdir."""
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name)
        elif source.exists():
            shutil.copy2(source, workdir / name)
    shutil.copy2(EXCEPTIONS, workdir / "seeds" / EXCEPTIONS.name)
    # the evaluator's own packages.yml points at ../dbt_utils, relative to the project
    sibling = workdir.parent / "dbt_utils"
    if not sibling.exists():
        sibling.symlink_to(packages / "dbt_utils")
    (workdir / "packages.yml").write_text(
        f"packages:\n  - local: {packages / 'dbt_project_evaluator'}\n"
    )
    project = (workdir / "dbt_project.yml").read_text()
    project = project.replace("\nseeds:\n", "\nseeds:" + SEEDS_EXTRA, 1) + PROJECT_EXTRA
    (workdir / "dbt_project.yml").write_text(project)
    return workdir


def run_dbt(workdir: Path, dbt: Path, *args: str) -> None:
    env_args = ["--profiles-dir", ".", "--project-dir", "."]
    result = subprocess.run(
        [str(dbt), *args, *env_args], cwd=workdir, capture_output=True, text=True
    )
    if result.returncode not in (0, 1):
        sys.exit(f"error: dbt {args[0]} failed:\n{result.stdout[-3000:]}")


def findings(workdir: Path) -> list[str]:
    """Every evaluator test that warned or failed, with its row count."""
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return [
        f"{r['status']}: {r['unique_id'].split('.')[2]} ({r.get('failures')} rows)"
        for r in results
        if r["unique_id"].startswith("test.") and r["status"] in ("warn", "fail", "error")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, default=ROOT.parent / "shared" / "dbt_packages")
    parser.add_argument("--workdir", type=Path, default=ROOT / "build" / "evaluator" / "project")
    args = parser.parse_args()
    if not (args.packages / "dbt_project_evaluator").is_dir():
        sys.exit(f"error: dbt_project_evaluator not found under {args.packages}")
    dbt = ROOT / ".venv" / "bin" / "dbt"
    workdir = make_copy(args.packages.resolve(), args.workdir.resolve())
    run_dbt(workdir, dbt, "deps")
    select = "package:dbt_project_evaluator dbt_project_evaluator_exceptions"
    run_dbt(
        workdir,
        dbt,
        "build",
        "--select",
        *select.split(),
        "--vars",
        json.dumps(EVALUATOR_VARS),
        "--target-path",
        "target",
        "--no-partial-parse",
    )
    found = findings(workdir)
    for line in found:
        print(line)
    print(f"dbt-project-evaluator: {len(found)} findings outside the documented exceptions")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
