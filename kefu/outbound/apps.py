from django.apps import AppConfig


class OutboundConfig(AppConfig):
    name = "kefu.outbound"
    verbose_name = "外呼营销 Outbound"
