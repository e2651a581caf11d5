from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from config.api import api

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", api.urls),
    path("", include("zhizao.accounts.urls")),
    path("", include("zhizao.enterprises.urls")),
    path("", include("zhizao.cockpit.urls")),
]
