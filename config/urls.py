"""URL map: the admin, the REST API under /api/v1."""

from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from config.api import api

admin.site.site_header = "Kefu 客服中心管理系统"
admin.site.site_title = "Kefu"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
