"""An email backend for a Celery worker started by a test: every message becomes a file the test counts.

If a file named `hang-next` exists in the mailbox, the next send renames it to `hung` (holding the
worker process's pid) and hangs, so the test can kill that process mid-send.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        mailbox = Path(os.environ["FITWELL_TEST_MAILBOX"])
        for message in email_messages:
            try:
                (mailbox / "hang-next").rename(mailbox / "hung")
            except FileNotFoundError:
                pass
            else:
                (mailbox / "hung").write_text(str(os.getpid()))
                time.sleep(120)  # killed long before this ends
            key = message.extra_headers.get("X-Idempotency-Key", "unknown")
            (mailbox / f"{key}--{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
