from django.urls import path

from . import views

app_name = "directdebit"
urlpatterns = [
    path("", views.mandate_list, name="mandates"),
    path("mandates/new/", views.mandate_new, name="mandate_new"),
    path("mandates/<int:pk>/", views.mandate, name="mandate"),
    path("mandates/<int:pk>/cancel/", views.mandate_cancel, name="mandate_cancel"),
    path("auddis/", views.auddis, name="auddis"),
    path("auddis/make/", views.auddis_make, name="auddis_make"),
    path("files/<int:pk>/", views.bacs_file, name="file"),
    path("files/<int:pk>/download/", views.bacs_file_download, name="file_download"),
    path("runs/", views.run_list, name="runs"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/settle/", views.run_settle, name="run_settle"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("reports/", views.report_list, name="reports"),
    path("reports/import/", views.report_import, name="report_import"),
    path("reports/<int:pk>/", views.report, name="report"),
]
