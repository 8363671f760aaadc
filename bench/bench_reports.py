"""Benchmark of the statistics (issue 7): report and dashboard times on seeded dossiers.

    MOTCUA_DATA_DIR=DIR [MOTCUA_DATABASE_URL=postgres://…] \\
        .venv/bin/python bench/bench_reports.py [--seed N [--units M]] [--rounds R]

With ``--seed N`` it first seeds N dossiers (``motcua seed``) into an empty database and
reports the seed's time and peak RSS. Then, on whatever the database holds, it times:

- a raw SQL ``COUNT(*)`` over the dossiers table (the baseline, measured in the same run);
- a province-year report by unit and by field (``stats_report``, the API's selector);
- a commune-month report;
- ``GET /api/v1/stats`` for the province-year (serialisation included);
- the leader dashboard page ``/can-bo/thong-ke/`` for the province-year;
- the Decision 766 indicators as the national portal computes them (issue 13) for the
  province-year (``national_indicators``), the same for one procedure (with 2.2), and
  ``GET /api/v1/indicators``.

Each figure is the best of R rounds (other work shares the machine) and is printed with its
ratio to the ``COUNT(*)``. Targets: every report < 200 ms, the dashboard < 500 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("MOTCUA_ENV", "demo")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from motcua.dossiers.models import Dossier  # noqa: E402
from motcua.procedures.models import Procedure  # noqa: E402
from motcua.reports.national_indicators import national_indicators  # noqa: E402
from motcua.reports.selectors import stats_report  # noqa: E402
from motcua.units.models import Unit  # noqa: E402


def best(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return min(times), statistics.median(times)


def count_star() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Dossier._meta.db_table}")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0, help="seed N dossiers first")
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if args.seed:
        started = time.monotonic()
        call_command("seed", dossiers=args.seed, units=args.units)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"seed: {args.seed} dossiers in {time.monotonic() - started:.1f} s, "
            f"peak RSS {rss:.0f} MB"
        )

    province = Unit.objects.filter(parent__isnull=True).order_by("-id").first()
    assert province is not None, "seed the database first (--seed N)"
    commune = Unit.objects.filter(parent=province, level="commune").order_by("id").first()
    assert commune is not None
    today = timezone.localdate()
    year = dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month = month_end.replace(day=1), month_end

    from django.contrib.auth import get_user_model

    admin, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    params = {"unit": province.code, "from": year[0].isoformat(), "to": year[1].isoformat()}

    def page() -> None:
        response = client.get("/can-bo/thong-ke/", params)
        assert response.status_code == 200, response.status_code

    def api() -> None:
        response = client.get("/api/v1/stats", params)
        assert response.status_code == 200, response.status_code

    def api_766() -> None:
        response = client.get("/api/v1/indicators", params)
        assert response.status_code == 200, response.status_code

    procedure = Procedure.objects.filter(units=commune).order_by("code").first()

    n = count_star()
    cases: list[tuple[str, Callable[[], object], float]] = [
        ("raw SQL COUNT(*) over dossiers (baseline)", count_star, 0),
        ("province-year report by unit",
         lambda: stats_report(unit=province, date_from=year[0], date_to=year[1]), 200),
        ("province-year report by field",
         lambda: stats_report(unit=province, date_from=year[0], date_to=year[1], group_by="field"),
         200),
        ("commune-month report by field",
         lambda: stats_report(unit=commune, date_from=month[0], date_to=month[1], group_by="field"),
         200),
        ("GET /api/v1/stats province-year", api, 200),
        ("dashboard page province-year", page, 500),
        ("province-year 766 indicators (national way)",
         lambda: national_indicators(unit=province, date_from=year[0], date_to=year[1]), 200),
        ("province-year 766 indicators, one procedure (2.2)",
         lambda: national_indicators(unit=province, date_from=year[0], date_to=year[1],
                                     procedure=procedure), 200),
        ("GET /api/v1/indicators province-year", api_766, 200),
    ]  # fmt: skip
    results = []
    for name, fn, target in cases:
        fn()  # warm up caches once
        results.append((name, *best(fn, args.rounds), target))
    baseline = results[0][1]
    print(
        f"\n{dt.date.today()} · {connection.vendor} · {n:,} dossiers · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · best of {args.rounds}\n"
    )
    print("| measure | best ms | median ms | × COUNT(*) | target |")
    print("|---|---|---|---|---|")
    for name, fastest, median, target in results:
        ratio = fastest / baseline if baseline else 0
        goal = f"< {target} ms {'✓' if fastest < target else '✗'}" if target else ""
        print(f"| {name} | {fastest:.1f} | {median:.1f} | {ratio:.2f} | {goal} |")


if __name__ == "__main__":
    main()
