from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "javon.api"
    label = "api"
    verbose_name = "REST API"
