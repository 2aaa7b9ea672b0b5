from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "javon.web"
    label = "web"
    verbose_name = "Pages"
