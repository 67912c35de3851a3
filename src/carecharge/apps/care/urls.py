from django.urls import path

from . import views

app_name = "care"
urlpatterns = [
    path("services/", views.services, name="services"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("import/", views.import_file, name="import"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/template.csv", views.import_template, name="import_template"),
]
