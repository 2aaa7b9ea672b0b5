from django.urls import path

from javon.reader import views

app_name = "reader"
urlpatterns = [
    path("works/<int:work_id>/files/<int:file_id>/download", views.download, name="download"),
    path("works/<int:work_id>/thumbnail", views.thumbnail, name="thumbnail"),
]
