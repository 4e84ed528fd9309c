"""An S3-compatible server for the tests: moto in server mode, a separate process on a free port, spoken to
over HTTP by boto3 / django-storages exactly as a real bucket would be."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3

BUCKET = "fitwell-media-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@dataclass(frozen=True)
class Bucket:
    endpoint: str
    name: str = BUCKET

    def client(self):
        return boto3.client("s3", endpoint_url=self.endpoint, **CREDENTIALS)

    def keys(self, prefix: str = "") -> list[str]:
        listed = self.client().list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def storage_settings(self) -> dict[str, object]:
        """STORAGES["default"] as config/env.py builds it when MEDIA_S3_BUCKET is set."""
        return {
            "BACKEND": "core.storage.TenantS3Storage",
            "OPTIONS": {
                "bucket_name": self.name,
                "endpoint_url": self.endpoint,
                "region_name": CREDENTIALS["region_name"],
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bucket_server() -> Iterator[Bucket]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bucket = Bucket(endpoint=f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                bucket.client().create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield bucket
    finally:
        process.terminate()
        process.wait(timeout=10)
