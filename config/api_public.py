"""The JSON API at /api/v1/ on the public host: wires the routers of the platform's areas, nothing else."""

from billing.platform.api import router as billing_router
from core.api.auth import PerUserRateThrottle
from core.api.errors import install_error_handlers
from core.api.strict import JsonAPI

api = JsonAPI(
    title="FitWell Pro platform API",
    version="1",
    urls_namespace="public-api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    throttle=[PerUserRateThrottle()],
)
install_error_handlers(api)
api.add_router("/billing", billing_router)
