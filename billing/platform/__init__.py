"""Platform billing (public schema): plans, studio subscriptions, the Stripe event log, Connect accounts."""
