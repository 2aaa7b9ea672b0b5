from django.apps import AppConfig


class ReaderConfig(AppConfig):
    name = "javon.reader"
    label = "reader"
    verbose_name = "Reader"
