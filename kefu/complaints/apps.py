from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    verbose_name = "投诉 Complaints"
