"""`Out`: the base of a response shape that pydantic's core reads straight from model attributes.

ninja's `Schema` wraps every object in a Python getter (`DjangoGetter`) so that `resolve_*` methods,
dotted aliases, related managers (`.all()`), callables and file fields work; on a 50-row list that Python
layer is about a sixth of the request's CPU (docs/performance.md). A shape whose fields are all plain
attributes (or nested `Out` shapes, or lists of plain values) derives from `Out` instead and is read in
Rust. Keep `ninja.Schema` for a shape that needs any of the getter's conversions.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Out(BaseModel):
    """A response shape read from attributes (`from_attributes`), without ninja's per-object getter."""

    model_config = ConfigDict(from_attributes=True)
