from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "javon.catalog"
    label = "catalog"
    verbose_name = "Catalogue"
