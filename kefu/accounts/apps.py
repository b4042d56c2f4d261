from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kefu.accounts"
    verbose_name = "用户与部门 Accounts"
