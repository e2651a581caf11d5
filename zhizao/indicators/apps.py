from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "zhizao.indicators"
    label = "indicators"
