from celery import shared_task

from tenants import schema_pool


@shared_task(name="tenants.studio_pool_refill", ignore_result=True)
def studio_pool_refill() -> int:
    """Top the pool of ready studio schemas back up (idempotent: an advisory lock serialises refills)."""
    return schema_pool.pool_refill()
