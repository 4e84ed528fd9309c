"""The container's health probe: `python deploy/probe.py /healthz` (or /readyz) against this container.

It sends the platform's own host name (PLATFORM_DOMAIN), since an unknown host is refused before any
view runs; exit status 0 when the answer is 200, 1 otherwise. Standard library only.
"""

from __future__ import annotations

import http.client
import os
import sys


def main(path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", int(os.environ.get("PORT", "8000")), timeout=4)
    try:
        connection.request("GET", path, headers={"Host": os.environ.get("PLATFORM_DOMAIN", "localhost")})
        return 0 if connection.getresponse().status == 200 else 1
    except OSError:
        return 1
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "/healthz"))
