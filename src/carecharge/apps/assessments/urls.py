from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("start/<int:person_pk>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/compare/<int:other_pk>/", views.compare, name="compare"),
]
