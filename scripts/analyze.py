"""Experiment read-out from the warehouse marts: SRM, A/A, effects, CUPED, Bayesian, sequential,
power, segments, ROI and a decision; prints a summary, writes JSON and a self-contained HTML.

Reads only the aggregate experiment marts (never per-user rows), opened read-only, so it costs
the same at any number of users. Bad input ends with one error line and exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from funnelhouse.analysis.errors import AnalysisError

if TYPE_CHECKING:
    from funnelhouse.analysis.options import AnalysisOptions

EXIT_BAD_INPUT = 2
EXIT_NOT_ALL_ANALYSED = 1


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"error: {message} (see --help)\n")


def fraction(low_open: bool = True, high_open: bool = True, name: str = "value"):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        ok_low = value > 0 if low_open else value >= 0
        ok_high = value < 1 if high_open else value <= 1
        if not (ok_low and ok_high):
            bounds = f"{'(' if low_open else '['}0, 1{')' if high_open else ']'}"
            raise argparse.ArgumentTypeError(f"{name} must be in {bounds}, got {value:g}")
        return value

    return parse


def non_negative(name: str, strictly: bool = False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not (value > 0 if strictly else value >= 0) or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(
                f"{name} must be {'> 0' if strictly else '>= 0'}, got {text}"
            )
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    _add_input_output_arguments(parser)
    _add_power_arguments(parser)
    _add_roi_arguments(parser)
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    return parser


def _add_input_output_arguments(parser: argparse.ArgumentParser) -> None:
    """Which warehouse and experiments, the test settings and where the output goes."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--db",
        default=os.environ.get("DUCKDB_PATH", "warehouse.duckdb"),
        help="DuckDB warehouse (default: env DUCKDB_PATH, else warehouse.duckdb)",
    )
    source.add_argument(
        "--spark-dir",
        metavar="DIR",
        help="a Spark-built warehouse instead: its warehouse folder (SPARK_WAREHOUSE_DIR), "
        "whose marts are read as Parquet through DuckDB",
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--experiment", metavar="ID", help="analyse one experiment")
    which.add_argument("--all", action="store_true", help="analyse every experiment (default)")
    parser.add_argument(
        "--alpha",
        type=fraction(name="--alpha"),
        default=0.05,
        help="significance level; CIs are 1 - alpha two-sided",
    )
    parser.add_argument(
        "--correction",
        choices=("holm", "bh"),
        default="holm",
        help="multiple-testing correction over secondary metrics and segments",
    )
    parser.add_argument("--json", metavar="PATH", help="write the full result as JSON")
    parser.add_argument("--html", metavar="PATH", help="write the self-contained HTML report")
    parser.add_argument("--quiet", action="store_true", help="do not print the summary")


def _add_power_arguments(parser: argparse.ArgumentParser) -> None:
    """The power target and the decision thresholds."""
    power = parser.add_argument_group("power and decision")
    power.add_argument(
        "--mde",
        type=non_negative("--mde", strictly=True),
        default=0.05,
        help="target minimum detectable effect, relative (0.05 = 5%%)",
    )
    power.add_argument(
        "--power", type=fraction(name="--power"), default=0.8, help="target power for the MDE"
    )
    power.add_argument(
        "--max-extra-days",
        type=int,
        default=28,
        help="keep running only if at most this many more days are needed",
    )
    power.add_argument(
        "--max-multi-variant-share",
        type=fraction(high_open=True, low_open=False, name="--max-multi-variant-share"),
        default=0.01,
        help="invalid above this share of users who saw several variants",
    )
    power.add_argument(
        "--min-roi-probability",
        type=fraction(name="--min-roi-probability"),
        default=0.8,
        help="flag the ROI risk of a win when P(ROI > 0) is below this (never flips the verdict)",
    )
    power.add_argument("--seed", type=int, default=20240601, help="seed of the Monte Carlo draws")


def _add_roi_arguments(parser: argparse.ArgumentParser) -> None:
    """The ROI assumptions (each overrides its row of seeds.roi_assumptions)."""
    roi = parser.add_argument_group(
        "ROI (defaults: seeds.roi_assumptions in the warehouse, else seeds/roi_assumptions.csv)"
    )
    roi.add_argument(
        "--roi-metric",
        metavar="NAME",
        help="metric whose lift is monetised (default: the primary metric)",
    )
    roi.add_argument(
        "--roi-assumption-set",
        default="default",
        metavar="NAME",
        help="row of seeds.roi_assumptions to use",
    )
    roi.add_argument("--gross-margin", type=fraction(high_open=False, name="--gross-margin"))
    roi.add_argument("--implementation-cost", type=non_negative("--implementation-cost"))
    roi.add_argument("--monthly-running-cost", type=non_negative("--monthly-running-cost"))
    roi.add_argument("--horizon-months", type=non_negative("--horizon-months", strictly=True))
    roi.add_argument("--rollout-share", type=fraction(high_open=False, name="--rollout-share"))
    roi.add_argument(
        "--assumed-order-value",
        type=non_negative("--assumed-order-value", strictly=True),
        help="order value when the data has no prices or no revenue-per-order metric",
    )
    roi.add_argument("--currency", help="ISO code printed with money amounts")


def options_from(args: argparse.Namespace) -> AnalysisOptions:
    from funnelhouse.analysis.options import AnalysisOptions

    if args.max_extra_days < 0:
        raise AnalysisError(f"--max-extra-days must be >= 0, got {args.max_extra_days}")
    overrides = {
        name: getattr(args, name)
        for name in (
            "gross_margin",
            "implementation_cost",
            "monthly_running_cost",
            "horizon_months",
            "rollout_share",
            "assumed_order_value",
            "currency",
        )
    }
    return AnalysisOptions(
        alpha=args.alpha,
        correction=args.correction,
        target_mde=args.mde,
        target_power=args.power,
        max_extra_days=args.max_extra_days,
        max_multi_variant_share=args.max_multi_variant_share,
        min_probability_roi_positive=args.min_roi_probability,
        seed=args.seed,
        roi_metric=args.roi_metric,
        roi_assumption_set=args.roi_assumption_set,
        roi_overrides=overrides,
    )


def run(args: argparse.Namespace) -> int:
    # before the heavy imports: a typo should fail fast
    if args.spark_dir is not None and not Path(args.spark_dir).is_dir():
        raise AnalysisError(f"Spark warehouse folder not found: {args.spark_dir}")
    if args.spark_dir is None and not Path(args.db).is_file():
        raise AnalysisError(f"warehouse file not found: {args.db}")
    from funnelhouse.analysis.experiment import analyze_warehouse

    options = options_from(args)
    experiments = [args.experiment] if args.experiment is not None else None
    spark = args.spark_dir is not None
    result = analyze_warehouse(args.spark_dir if spark else args.db, experiments, options, spark)

    from funnelhouse.report import html, json_report, text

    if not args.quiet:
        print(text.summary(result))
    if args.json:
        print(f"json:   {json_report.write_json(args.json, result)}")
    if args.html:
        print(f"report: {json_report.write_text(args.html, html.render(result))}")
    for error in result.errors:
        status = "decision invalid" if error.analysed else "not analysed"
        detail = error.error.removeprefix("decision invalid: ")
        print(f"error: experiment {error.experiment_id!r} {status}: {detail}", file=sys.stderr)
    return EXIT_NOT_ALL_ANALYSED if result.errors else 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except AnalysisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug)", file=sys.stderr
        )
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
