from django.urls import path

from zhizao.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="list"),
    path("enterprises/<str:uscc>/", views.enterprise_detail, name="detail"),
    path("clusters/", views.cluster_list, name="clusters"),
    path("clusters/<slug:code>/", views.cluster_detail, name="cluster"),
]
