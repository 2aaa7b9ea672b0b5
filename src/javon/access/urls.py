from django.urls import path

from javon.access import accounts

app_name = "access"
urlpatterns = [
    path("register", accounts.register, name="register"),
    path("verify/<str:token>", accounts.verify, name="verify"),
    path("login", accounts.LoginView.as_view(), name="login"),
    path("logout", accounts.logout_view, name="logout"),
    path("password/reset", accounts.password_reset, name="password_reset"),
    path("password/reset/sent", accounts.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>", accounts.password_reset_confirm, name="password_reset_confirm"),
    path("password/change", accounts.password_change, name="password_change"),
    path("profile", accounts.profile, name="profile"),
    path("profile/export", accounts.export_data, name="export"),
    path("profile/delete", accounts.delete_account, name="delete"),
]
