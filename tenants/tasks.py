from celery import shared_task

from tenants import schema_pool


@shared_task(name="tenants.studio_pool_refill", ignore_result=True)
def studio_pool_refill() -> int:
    """Top the pool of ready studio schemas back up (idempotent: an advisory lock serialises refills)."""
    return schema_pool.pool_refill()


@shared_task(name="tenants.studios_erase_due", ignore_result=True)
def studios_erase_due() -> list[str]:
    """Erase the closed studios whose retention period is over (idempotent: an erased studio is gone)."""
    from tenants.lifecycle import studios_erase_due as erase_due

    return erase_due()
