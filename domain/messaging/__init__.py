"""Messaging, notifications and automations (issue 15): threads between clients and staff delivered live
over WebSockets, one notification service for every channel (in-app, email, Web Push, SMS) with consent and
quiet hours, per-studio templates and automated workflows, each message sent at most once.
"""
