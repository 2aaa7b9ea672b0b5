from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "javon.search"
    label = "search"
    verbose_name = "Search"
