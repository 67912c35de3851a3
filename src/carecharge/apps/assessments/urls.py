from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("start/<int:person_pk>/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/compare/<int:other_pk>/", views.compare, name="compare"),
    path("<int:pk>/notes/", views.add_note, name="add_note"),
    path("<int:pk>/evidence/", views.upload_evidence, name="upload_evidence"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("deprivation/<int:person_pk>/new/", views.deprivation_new, name="deprivation_new"),
    path(
        "deprivation/decision/<int:pk>/withdraw/",
        views.deprivation_withdraw,
        name="deprivation_withdraw",
    ),
]
