"""Outbound messages to people through one channel interface (email now; SMS and push providers later).

Not a Django app (no models): domain code builds a `Message` and hands it to `channel_get(name).send()`.
"""
