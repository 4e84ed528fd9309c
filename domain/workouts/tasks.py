"""Background work of this area: none yet (everything here happens in the request)."""
