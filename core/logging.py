import logging

from core.context import request_id_var, studio_var


class RequestContextFilter(logging.Filter):
    """Stamps every record with the studio and request id it was logged under."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.studio = studio_var.get()
        return True
