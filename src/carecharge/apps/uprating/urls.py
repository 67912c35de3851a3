from django.urls import path

from . import views

app_name = "uprating"
urlpatterns = [
    path("", views.runs, name="runs"),
    path("new/", views.start, name="start"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/post/", views.post, name="post"),
    path("<int:pk>/excel/", views.download, name="excel"),
    path("item/<int:pk>/", views.item, name="item"),
    path("item/<int:pk>/resolve/", views.resolve, name="resolve"),
]
