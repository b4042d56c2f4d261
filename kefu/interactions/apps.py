from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "kefu.interactions"
    verbose_name = "来电·来访·来函 Interactions"
