from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "javon.access"
    label = "access"
    verbose_name = "Access"
