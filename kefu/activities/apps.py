from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "kefu.activities"
    verbose_name = "客户活动 Activities"

    def ready(self) -> None:
        from kefu.activities import services
        from kefu.care import hooks

        hooks.reply_handler_register(services.reply_handle)  # 回复报名码 → registered
