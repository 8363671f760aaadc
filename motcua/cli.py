"""The ``motcua`` command (CONTRACT.md §1): a thin front over Django management commands.

``motcua import-catalog FILE`` runs the ``import_catalog`` command, ``motcua manage ARGS``
runs any Django command (``motcua manage check --deploy``). ``--data-dir`` may stand
anywhere on the line. Exit codes: 0 success, 1 failure, 2 bad usage.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "demo": "serve the demo on the embedded database, with demo data",
    "serve": "run the production server (gunicorn)",
    "migrate": "create or upgrade the database",
    "createuser": "create or update a user and their roles",
    "import-catalog": "import units, fields and procedures (JSON)",
    "export-catalog": "export the catalogue in the import format",
    "import-dossiers": "replay historical dossiers (JSON Lines)",
    "verify-history": "check every dossier's hash-chained history",
    "backup": "back up the database and the files into one archive",
    "restore": "restore a backup into an empty database and data dir",
    "calendar": "working-time calendar: import a schedule, show a year, seed defaults",
    "seed": "generate a realistic history of N dossiers (benchmarks)",
    "rebuild-stats": "recompute the statistics summary from the dossiers",
    "check-stats": "compare the statistics summary with a full recomputation",
    "clean-uploads": "delete files of online submissions never sent (run daily)",
    "worker": "run background workers (tasks, outbox delivery, scheduled jobs)",
    "status": "health of the database, the background queue, the outbox; exit 1 if unhealthy",
    "run-job": "run a scheduled job now (reminders, outbox-sweep, clean-uploads, …)",
    "outbox": "list, retry or discard messages of the outbox",
    # The national public service portal (issue 14).
    "national": "national portal (DVCQG): reconcile [--since DATE], resend CODE...",
    "national-sim": "run a STAND-IN of the national portal for the demo (not the real one)",
    # The national payment platform (issue 15).
    "payment-sim": "run a STAND-IN of the national payment platform (moves no money)",
    # issue 13 (rules)
    "supplement-clock": "the clock rule on supplement (restart or shift) by effective date",
    "rotate-field-keys": "re-encrypt personal data with the first MOTCUA_FIELD_KEYS key",
    "purge-counters": "delete expired rate-limit and lockout counters (run daily)",
    # issue 12 (search): nightly, or by hand after a history import
    "refresh-popularity": "count each procedure's dossiers of the last year (search ranking)",
    # issue 16: signed results and forms
    "signing": "signing certificates: add-certificate UNIT_CODE FILE.p12, list, retry",
    # issue 16 (archive)
    "archive": "archive packages of closed dossiers: export --before DATE DIR, verify DIR",
    "manage": "run any Django management command",
}


def _usage() -> str:
    lines = ["usage: motcua [--data-dir DIR] COMMAND [ARGS]", "", "commands:"]
    width = max(len(name) for name in COMMANDS)
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "motcua COMMAND --help shows the options of a command."]
    return "\n".join(lines)


def _split_data_dir(argv: list[str]) -> tuple[str | None, list[str]]:
    data_dir = None
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--data-dir":
            if i + 1 >= len(argv):
                raise SystemExit("motcua: --data-dir needs a directory")
            data_dir = argv[i + 1]
            i += 2
            continue
        if arg.startswith("--data-dir="):
            data_dir = arg.split("=", 1)[1]
        else:
            rest.append(arg)
        i += 1
    return data_dir, rest


def _demo_address_to_env(rest: list[str]) -> None:
    """``motcua demo --host H --port P``: the settings (loaded before the command parses its
    options) build the site URL of QR codes and e-mails from the same address (issue 12)."""
    for i, arg in enumerate(rest):
        for option, variable in (("--host", "MOTCUA_HOST"), ("--port", "MOTCUA_PORT")):
            if arg == option and i + 1 < len(rest):
                os.environ[variable] = rest[i + 1]
            elif arg.startswith(option + "="):
                os.environ[variable] = arg.split("=", 1)[1]


def _metrics_dir() -> None:
    """The web server's processes add up their Prometheus samples in a folder of the data dir
    (``motcua/core/metrics.py``); it must be named before the metrics library is first
    imported, and is emptied at each start (the samples of gone processes go with them)."""
    import shutil
    from pathlib import Path

    folder = Path(os.environ.get("MOTCUA_DATA_DIR", "var")).expanduser() / "metrics"
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return  # metrics then stay per process; serving does not depend on them
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder.resolve())


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        data_dir, args = _split_data_dir(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        sys.exit(2)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage(), file=sys.stdout if args else sys.stderr)
        sys.exit(0 if args else 2)
    command, rest = args[0], args[1:]
    # Everything MotCua creates — the database, the data dir, uploads, backups — is the
    # owner's only (issue 11): personal data never lands world-readable.
    os.umask(0o077)
    if data_dir:
        os.environ["MOTCUA_DATA_DIR"] = data_dir
    if command in {"migrate", "restore", "demo", "serve"}:
        # The commands that create a database create the data dir it lives in.
        from pathlib import Path

        try:
            Path(os.environ.get("MOTCUA_DATA_DIR", "var")).expanduser().mkdir(
                mode=0o700, parents=True, exist_ok=True
            )
        except OSError as exc:
            print(f"motcua {command}: cannot create the data dir: {exc.strerror}", file=sys.stderr)
            sys.exit(1)
    if command == "demo":
        _demo_address_to_env(rest)
    if command in {"serve", "demo"}:
        _metrics_dir()
    # Only ``serve`` is production by default; the other commands run anywhere without a
    # secret key (they never answer web requests).
    os.environ.setdefault("MOTCUA_ENV", "production" if command == "serve" else "demo")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    try:
        import django

        django.setup()
    except RuntimeError as exc:
        print(f"motcua: {exc}", file=sys.stderr)
        sys.exit(1)
    from django.core.management import execute_from_command_line, get_commands

    if command != "manage" and command.replace("-", "_") not in get_commands():
        print(f"motcua: unknown command {command!r}\n\n{_usage()}", file=sys.stderr)
        sys.exit(2)
    try:
        if command == "manage":
            execute_from_command_line(["motcua manage", *rest])
        else:
            execute_from_command_line(["motcua", command.replace("-", "_"), *rest])
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        # The contract: errors in plain words, never a traceback (set MOTCUA_DEBUG=1 to see
        # one). Commands report what they expect themselves; this is the last net.
        if os.environ.get("MOTCUA_DEBUG", "") in {"1", "true", "yes"}:
            raise
        print(f"motcua {command}: {_plain(exc)}", file=sys.stderr)
        sys.exit(1)


def _plain(exc: BaseException) -> str:
    """One line a person can act on, for the errors a command may meet."""
    from django.db import OperationalError

    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OperationalError):
        if "unable to open database file" in text:
            return "cannot open the database file: does the data dir exist and can it be written?"
        if "locked" in text or "busy" in text:
            return "the database is busy (another process holds it); try again in a moment"
        return f"database error: {text}"
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply"
    if isinstance(exc, OSError):
        return f"{exc.filename + ': ' if exc.filename else ''}{exc.strerror or text}"
    return f"{type(exc).__name__}: {text}"
