from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "kefu.console"
    verbose_name = "工作台 Console"
