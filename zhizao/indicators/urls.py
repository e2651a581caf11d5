from django.urls import path

from zhizao.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.targets_overview, name="overview"),
]
