from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path(
        "assessment/<int:pk>/outcome-letter/",
        views.create_outcome_letter,
        name="create_outcome_letter",
    ),
    path("<int:pk>/pdf/", views.download, name="download"),
    path("person/<int:pk>/", views.person_letters, name="person_letters"),
]
