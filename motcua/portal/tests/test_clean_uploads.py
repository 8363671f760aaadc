"""Files of online submissions that were never sent are swept away; fresh ones stay."""

from __future__ import annotations

import datetime as dt
import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.portal.wizard import TMP_PREFIX


def test_abandoned_wizard_files_are_deleted_and_recent_ones_kept(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    old = default_storage.save(f"{TMP_PREFIX}/abc/old.pdf", ContentFile(b"%PDF-1.4 old"))
    new = default_storage.save(f"{TMP_PREFIX}/def/new.pdf", ContentFile(b"%PDF-1.4 new"))
    two_days_ago = time.time() - dt.timedelta(days=2).total_seconds()
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))

    call_command("clean_uploads")

    assert not default_storage.exists(old)
    assert default_storage.exists(new)


def test_sweeping_with_nothing_uploaded_is_fine(settings, tmp_path, capsys) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("clean_uploads")
    assert "0 abandoned upload(s) deleted" in capsys.readouterr().out
