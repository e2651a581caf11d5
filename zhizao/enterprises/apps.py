from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhizao.enterprises"
    verbose_name = "企业"
