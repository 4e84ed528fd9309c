"""The JSON API at /api/v1/ on studio hosts: wires the routers of each area, nothing else."""

from billing.payments.api import router as commerce_router
from core.api.accounts import router as auth_router
from core.api.auth import PerUserRateThrottle, api_auth
from core.api.errors import install_error_handlers
from core.api.openapi import StudioAPI
from core.input import CheckedJSONParser
from domain.analytics.api import router as analytics_router
from domain.clients.api import router as clients_router
from domain.library.api import router as library_router
from domain.messaging.api import router as messaging_router
from domain.nutrition.api import router as nutrition_router
from domain.privacy.api import router as privacy_router
from domain.programs.api import router as programs_router
from domain.progress.api import router as progress_router
from domain.scheduling.api import router as scheduling_router
from domain.videos.api import router as videos_router
from domain.workouts.api import router as workouts_router
from portal.api import router as studio_router

api = StudioAPI(
    title="FitWell Pro API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=api_auth,
    throttle=[PerUserRateThrottle()],
    parser=CheckedJSONParser(),
)
install_error_handlers(api)
api.add_router("/auth", auth_router)
api.add_router("/studio", studio_router)
api.add_router("/", scheduling_router)
# --- clients, library, programs (issue 4)
api.add_router("/clients", clients_router)
api.add_router("", library_router)
api.add_router("", programs_router)
# --- workouts, progress (issue 5)
api.add_router("", workouts_router)
api.add_router("", progress_router)
# --- form-check videos (issue 14)
api.add_router("", videos_router)
api.add_router("", nutrition_router)
# --- studio commerce (issue 13)
api.add_router("", commerce_router)
# --- settings, preferences and privacy (issue 18)
api.add_router("", privacy_router)
# --- messaging, notifications, automations (issue 15)
api.add_router("", messaging_router)
api.add_router("", analytics_router)
