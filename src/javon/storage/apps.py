from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "javon.storage"
    label = "storage"
    verbose_name = "Stored files"
