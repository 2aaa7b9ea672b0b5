from django.urls import path

from javon.ocr import views

app_name = "ocr"
urlpatterns = [
    path("staff/ocr/<int:run_id>", views.run_page, name="run"),
    path("staff/ocr/<int:run_id>/rerun", views.rerun, name="rerun"),
    path("staff/ocr/works/<int:work_id>/digitise", views.digitise, name="digitise"),
]
