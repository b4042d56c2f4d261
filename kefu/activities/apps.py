from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "kefu.activities"
    verbose_name = "客户活动 Activities"
