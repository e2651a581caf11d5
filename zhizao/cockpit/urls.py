from django.urls import path

from zhizao.cockpit.views import overview, targets, tasks, units

app_name = "cockpit"
urlpatterns = [
    path("", overview.home, name="overview"),
    path("targets/", targets.target_list, name="targets"),
    path("targets/export.xlsx", targets.target_export, name="targets_export"),
    path("targets/<str:code>/", targets.target_detail, name="target"),
    path("units/", units.unit_comparison, name="units"),
    path("units/<str:code>/", units.unit_scorecard, name="unit"),
    path("tasks/", tasks.task_list, name="tasks"),
]
