from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "zhizao.accounts"
    label = "accounts"
