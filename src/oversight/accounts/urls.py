from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import passkey_views, views
from .forms import GovukPasswordChangeForm
from .sessions import second_factor_exempt

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", second_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=GovukPasswordChangeForm,
            success_url=reverse_lazy("accounts:password_changed"),
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password_changed",
    ),
    path("second-factor/", views.second_factor, name="second_factor"),
    path("second-factor/set-up/", views.enrol, name="enrol"),
    path("second-factor/manage/", views.manage, name="manage"),
    path("second-factor/recovery-codes/", views.new_recovery_codes, name="new_recovery_codes"),
    path("second-factor/reset/", views.reset, name="reset"),
    path("second-factor/continue/", views.carry_on, name="carry_on"),
    *passkey_views.urlpatterns,
]
