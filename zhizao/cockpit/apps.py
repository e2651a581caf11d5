from django.apps import AppConfig


class CockpitConfig(AppConfig):
    name = "zhizao.cockpit"
    verbose_name = "驾驶舱"
