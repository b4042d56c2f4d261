from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kefu.core"
    verbose_name = "系统 Core"
