from django.urls import path

from javon.web import browse, cite, views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("works/<int:work_id>", views.work, name="work"),
    path("works/<int:work_id>/cite.<slug:extension>", cite.download, name="cite"),
    path("browse", browse.browse, name="browse"),
    path("browse/authors", browse.authors, name="authors"),
    path("authors/<int:agent_id>", browse.author, name="author"),
    path("staff/upload", views.upload, name="upload"),
    path("staff/jobs", views.jobs, name="jobs"),
    path("staff/jobs/<int:job_id>", views.job, name="job"),
    path("script", views.set_script, name="set_script"),
]
