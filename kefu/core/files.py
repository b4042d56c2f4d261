"""Where Kefu keeps files between requests: imports waiting for their confirmation and the
scheduled reports' archive. Through Django's storage API (STORAGES["default"]), so a center
on several web hosts points it at S3-compatible object storage (KEFU_S3_BUCKET: MinIO, 阿里云
OSS, 腾讯云 COS, AWS) and no request depends on a file another host wrote; the embedded
center keeps them under var/files."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class LocalFiles(FileSystemStorage):
    """var/files (KEFU_VAR_DIR/files): follows VAR_DIR, also when a test or a restore moves
    it."""

    @property
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "files")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def storage_is_local() -> bool:
    """Whether the files are in var/files (a backup holds them) or in object storage."""
    from django.core.files.storage import storages

    return isinstance(storages["default"], FileSystemStorage)
