from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "javon.ingest"
    label = "ingest"
    verbose_name = "Ingest"
