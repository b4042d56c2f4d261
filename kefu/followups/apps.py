from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "kefu.followups"
    verbose_name = "回访 Follow-ups"
