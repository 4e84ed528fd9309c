from django.urls import path

from billing.platform import console as billing_console
from tenants import console

app_name = "console"

urlpatterns = [
    path("", console.studios, name="studios"),
    path("health/", console.health, name="health"),
    path("studios/<slug:slug>/", console.studio_detail, name="studio"),
    path("studios/<slug:slug>/suspend", console.suspend, name="suspend"),
    path("studios/<slug:slug>/reactivate", console.reactivate, name="reactivate"),
    path("studios/<slug:slug>/close", console.close, name="close"),
    path("studios/<slug:slug>/reopen", console.reopen, name="reopen"),
    path("plans/", billing_console.plans, name="plans"),
    path("plans/<slug:code>/prices", billing_console.plan_price, name="plan_price"),
]
