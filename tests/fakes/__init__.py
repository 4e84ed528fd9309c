"""Fakes of services we cannot reach (Stripe), faked at their HTTP boundary and driven by the real clients."""
