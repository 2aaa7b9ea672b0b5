from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "javon.stats"
    label = "stats"
    verbose_name = "Usage"
    default_auto_field = "django.db.models.BigAutoField"
