from django.urls import include, path

from . import views

app_name = "billing"
urlpatterns = [
    path("", views.runs, name="runs"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/post/", views.post, name="post"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/excel/", views.download, name="excel"),
    path("person/<int:pk>/", views.person, name="person"),
    path("person/<int:pk>/release/", views.release, name="release"),
    # Invoice PDFs, statements and the finance export (document_urls.py) under /billing/.
    path("", include("carecharge.apps.billing.document_urls")),
]
