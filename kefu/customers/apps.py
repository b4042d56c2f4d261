from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    verbose_name = "客户档案 Customers"
