from django.urls import path

from javon.shelf import views

app_name = "shelf"
urlpatterns = [
    path("me/shelves", views.shelves, name="list"),
    path("me/shelves/<int:shelf_id>", views.shelf_detail, name="detail"),
    path("me/shelves/<int:shelf_id>/rename", views.shelf_rename, name="rename"),
    path("me/shelves/<int:shelf_id>/delete", views.shelf_delete, name="delete"),
    path("me/shelves/<int:shelf_id>/share", views.shelf_share, name="share"),
    path("me/shelves/<int:shelf_id>/move", views.shelf_move, name="move"),
    path("works/<int:work_id>/shelve", views.shelve, name="shelve"),
    path("shelves/<str:token>", views.shared, name="shared"),
    path("me/history", views.history, name="history"),
    path("me/history/clear", views.history_clear, name="history_clear"),
    path("me/history/setting", views.history_setting, name="history_setting"),
    path("me/bookmarks", views.bookmarks, name="bookmarks"),
    path("me/bookmarks/add", views.bookmark_add, name="bookmark_add"),
    path("me/bookmarks/<int:bookmark_id>/delete", views.bookmark_delete, name="bookmark_delete"),
]
