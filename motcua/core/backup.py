"""Backup and restore of everything: the database (as a portable Django dump, so a backup
of SQLite restores into PostgreSQL and back) and the files, each with its SHA-256.

A backup is one ``.tar.gz`` holding ``manifest.json``, ``database.mcjson`` (Django JSON
with exact times) and ``files/``; it is created readable by its owner only.
Restore goes only into an empty database and verifies every checksum first.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

import motcua

# Rebuilt by ``migrate`` on the target, or not worth keeping.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
FORMAT = "motcua-backup/2"
# Version 1 dumped Django's JSON, whose times stop at the millisecond: still restorable, but
# its history hashes of live (microsecond) events do not verify.
READABLE_FORMATS = {"motcua-backup/1", FORMAT}
DUMP_NAME = "database.mcjson"


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(target: str) -> dict[str, Any]:
    """Write a backup to ``target`` (a file path; ``.tar.gz`` is added when missing)."""
    path = Path(target)
    if not path.name.endswith((".tar.gz", ".tgz")):
        path = path.with_name(path.name + ".tar.gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DUMP_NAME
        # One repeatable-read snapshot where the database offers it, so rows and their
        # histories agree.
        with transaction.atomic():
            call_command(
                "dumpdata",
                format="mcjson",
                natural_foreign=True,
                natural_primary=False,
                exclude=EXCLUDED,
                output=str(dump),
                verbosity=0,
            )
        files = sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
        manifest = {
            "format": FORMAT,
            "motcua": motcua.__version__,
            "created_at": timezone.now().isoformat(),
            "database": {"name": DUMP_NAME, "sha256": _sha256(dump)},
            "files": [
                {"name": str(p.relative_to(media)), "size": p.stat().st_size, "sha256": _sha256(p)}
                for p in files
            ],
        }
        partial = path.with_name(path.name + ".partial")
        # The backup holds every applicant's personal data: its owner's only, from the start.
        partial.touch(mode=0o600, exist_ok=True)
        partial.chmod(0o600)
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=DUMP_NAME)
            for p in files:
                archive.add(p, arcname=f"files/{p.relative_to(media)}")
        os.replace(partial, path)  # a reader never sees half a backup
    manifest["path"] = str(path)
    return manifest


def _database_is_empty() -> bool:
    from django.contrib.auth import get_user_model

    from motcua.dossiers.models import Dossier
    from motcua.procedures.models import Procedure
    from motcua.units.models import Unit

    return not (
        get_user_model().objects.exists()
        or Unit.objects.exists()
        or Procedure.objects.exists()
        or Dossier.objects.exists()
    )


def backup_restore(source: str) -> dict[str, Any]:
    """Restore a backup into an empty database and data dir, checking every checksum."""
    path = Path(source)
    if not path.is_file():
        raise BackupError(f"{source}: no such backup file")
    call_command("migrate", interactive=False, verbosity=0)
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore goes into an empty database")
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(tmp, filter="data")
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{source}: not a MotCua backup ({exc})") from exc
        root = Path(tmp)
        try:
            manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BackupError(f"{source}: the manifest is missing or broken") from exc
        if manifest.get("format") not in READABLE_FORMATS:
            raise BackupError(f"{source}: unknown backup format {manifest.get('format')!r}")
        name = str(manifest["database"].get("name") or "database.json")
        if name not in {"database.json", DUMP_NAME}:
            raise BackupError(f"{source}: unknown database dump {name!r}")
        dump = root / name
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError(f"{name} does not match its checksum")
        for entry in manifest["files"]:
            file = root / "files" / entry["name"]
            if not file.is_file() or _sha256(file) != entry["sha256"]:
                raise BackupError(f"files/{entry['name']} is missing or does not match")
            target = media / entry["name"]
            if target.exists() and _sha256(target) != entry["sha256"]:
                raise BackupError(
                    f"{target} exists with other content: restore into an empty data dir"
                )
        with transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
        for entry in manifest["files"]:
            target = media / entry["name"]
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(root / "files" / entry["name"], target)
            target.chmod(0o600)
    return manifest
