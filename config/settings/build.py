"""The image build's settings: what `compilemessages` and `collectstatic` need, and no secret.

collectstatic writes the hashed, compressed copies (and their manifest) that production's WhiteNoise serves.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import STATIC_STORAGE_HASHED, STORAGES

STORAGES = {**STORAGES, "staticfiles": STATIC_STORAGE_HASHED}
