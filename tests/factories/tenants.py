import factory

STRONG_PASSWORD = "Studio-owner-2026!"


class StudioSignupFactory(factory.DictFactory):
    """Keyword arguments for `studio_provision` (provisioning is a service, not a model save)."""

    slug = factory.Sequence(lambda n: f"studio-{n}")
    name = factory.Sequence(lambda n: f"Studio {n}")
    owner_email = factory.Sequence(lambda n: f"owner{n}@example.test")
    owner_password = STRONG_PASSWORD
    timezone = "Europe/Berlin"
    currency = "EUR"
