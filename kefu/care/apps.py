from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kefu.care"
    verbose_name = "关怀提醒 Care and reminders"
