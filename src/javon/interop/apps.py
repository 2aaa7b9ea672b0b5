from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "javon.interop"
    label = "interop"
    verbose_name = "Interoperability"
