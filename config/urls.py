"""URL map: the admin, the REST API under /api/v1."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from kefu.core.views import health, healthz, readyz
from kefu.setup.metrics import metrics

admin.site.site_header = "Kefu 客服中心管理系统"
admin.site.site_title = "Kefu"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("health", health, name="health"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # browsers ask for /favicon.ico whatever the page says: the console's icon, not a 404
    path("favicon.ico", RedirectView.as_view(url="/static/console/favicon.svg", permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("kefu.console.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
