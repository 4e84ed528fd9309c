"""Scheduling is a studio (tenant) app; Django's admin is only mounted on the public site, where these
tables do not exist, so nothing is registered here. Studio staff manage schedules in the portal."""
