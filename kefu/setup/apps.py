from django.apps import AppConfig


class SetupConfig(AppConfig):
    """Presets, the demo center and the data commands: above every domain app."""

    name = "kefu.setup"
    label = "kefu_setup"
    verbose_name = "建站 Setup"
