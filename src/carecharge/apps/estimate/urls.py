from django.urls import path

from . import views

app_name = "estimate"
urlpatterns = [
    path("", views.start, name="start"),
    path("questions/", views.questions, name="questions"),
    path("result/", views.result, name="result"),
]
