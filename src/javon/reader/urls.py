from django.urls import path

from javon.reader import readers, views

app_name = "reader"
_file = "works/<int:work_id>/files/<int:file_id>/"
urlpatterns = [
    path(_file + "download", views.download, name="download"),
    path("works/<int:work_id>/thumbnail", views.thumbnail, name="thumbnail"),
    path("works/<int:work_id>/read", readers.read_work, name="read_work"),
    path("works/<int:work_id>/text.txt", views.text_only, name="text_only"),
    path(_file + "read", readers.read_file, name="read"),
    path(_file + "chapters/<int:number>", readers.read_file, name="chapter"),
    path(_file + "pages/<int:number>.webp", views.page_image, {"fmt": "webp"}, name="page_webp"),
    path(_file + "pages/<int:number>.jpg", views.page_image, {"fmt": "jpg"}, name="page_jpg"),
    path(_file + "pages/<int:number>.json", views.page_words, name="page_words"),
    path(_file + "epub/<path:name>", views.epub_image, name="epub_image"),
]
