"""Running `dbt build` on the private file, and reading what failed."""

from __future__ import annotations

import ctypes
import json
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from funnelhouse.refresh.inputs import ROOT

DBT = Path(sys.executable).parent / "dbt"
FAILED = ("error", "fail")
ANSI = re.compile(r"\x1b\[[0-9;]*m|^\d\d:\d\d:\d\d\s+")
# dbt's first message line, e.g. "Compilation Error in model x (models/x.sql)"
NODE_HEADER = re.compile(r"^\w[\w ]* in (model|test|seed|snapshot|operation|hook)\b.*$")
# DuckDB's error class prefix, e.g. "Invalid Input Error: "
ERROR_CLASS = re.compile(r"^(\w+ )*Error: ")
SELECTION_FLAGS = ("--select", "-s", "--models", "-m")


@dataclass
class DbtOutcome:
    returncode: int
    seconds: float
    invocation_id: str | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and not self.failures


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the dbt child: get SIGKILL when the refresh dies, so that a killed refresh never
    leaves a dbt writing on."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def has_selection(dbt_args: tuple[str, ...]) -> bool:
    return any(arg in SELECTION_FLAGS or arg.startswith("--select=") for arg in dbt_args)


def with_build_info(dbt_args: tuple[str, ...]) -> tuple[str, ...]:
    """A partial build's arguments with dq_build_info added to its --select, so that the
    provenance always describes the build that was published."""
    args = list(dbt_args)
    for index, arg in enumerate(args):
        if arg in SELECTION_FLAGS:
            return (*args[: index + 1], "dq_build_info", *args[index + 1 :])
    return dbt_args


def run_build(
    dbt_args: tuple[str, ...], env: dict[str, str], target: Path, output: Path, quiet: bool
) -> DbtOutcome:
    """`dbt build` with `env` (pointing at the private file); its output is copied to
    `output` and, unless quiet, to stdout."""
    (target / "run_results.json").unlink(missing_ok=True)
    command = [str(DBT), "build", "--profiles-dir", str(ROOT), "--project-dir", str(ROOT)]
    command += ["--target-path", str(target), *dbt_args]
    started = time.perf_counter()
    with output.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_die_with_parent,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                log.write(line)
                if not quiet:
                    sys.stdout.write(line)
                    sys.stdout.flush()
            returncode = process.wait()
        except BaseException:
            process.terminate()
            process.wait()
            raise
    outcome = DbtOutcome(returncode=returncode, seconds=time.perf_counter() - started)
    read_results(target / "run_results.json", output, outcome)
    return outcome


def read_results(run_results: Path, output: Path, outcome: DbtOutcome) -> None:
    """The failed nodes of run_results.json, each as 'what: message'; without the file (dbt
    stopped before running anything), the first error line of its output."""
    try:
        results = json.loads(run_results.read_text())
    except (OSError, ValueError):
        outcome.failures = [_first_error_line(output)] if outcome.returncode else []
        return
    outcome.invocation_id = results.get("metadata", {}).get("invocation_id")
    for result in results.get("results", []):
        if result.get("status") in FAILED:
            outcome.failures.append(_describe_failure(result))
    if outcome.returncode and not outcome.failures:
        outcome.failures = [_first_error_line(output)]


def _describe_failure(result: dict) -> str:
    unique_id = result.get("unique_id", "?")
    kind, name = unique_id.split(".")[0], unique_id.split(".")[-1]
    message = one_line(result.get("message") or "")
    if kind == "test" and result.get("status") == "fail":
        return f"test {name} failed ({message})"
    return message if message.startswith("0 clean events") else f"{kind} {name}: {message}"


def one_line(message: str) -> str:
    """A dbt / DuckDB error message on one line, without dbt's node header and DuckDB's
    error class."""
    lines = [ANSI.sub("", line).strip() for line in message.splitlines()]
    # dbt's call stack ("> in macro ...", "> called by ...") is not the message
    lines = [x for x in lines if x and not NODE_HEADER.match(x) and not x.startswith(">")]
    text = " ".join(lines)
    return ERROR_CLASS.sub("", text, count=1)


def _first_error_line(output: Path) -> str:
    try:
        lines = [ANSI.sub("", line).strip() for line in output.read_text().splitlines()]
    except OSError:
        return "dbt build failed"
    for index, line in enumerate(lines):
        if "Error" in line and "ERROR=" not in line:
            detail = next((x for x in lines[index + 1 :] if x), "")
            return one_line(f"{line} {detail}")
    return "dbt build failed (see its output above)"
