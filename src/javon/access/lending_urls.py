from django.urls import path

from javon.access import lending_views

app_name = "lending"
urlpatterns = [
    path("works/<int:work_id>/borrow", lending_views.borrow, name="borrow"),
    path("works/<int:work_id>/return", lending_views.give_back, name="return"),
    path("works/<int:work_id>/wait", lending_views.wait, name="wait"),
    path("staff/loans", lending_views.loans, name="loans"),
]
