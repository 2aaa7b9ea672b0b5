from django.apps import AppConfig


class ShelfConfig(AppConfig):
    name = "javon.shelf"
    label = "shelf"
    verbose_name = "Reader's space"

    def ready(self) -> None:
        # What the reader keeps here goes into their data export (access.PERSONAL_DATA).
        from javon.shelf import services

        services.register_personal_data()
