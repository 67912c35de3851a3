from django.urls import path

from . import actuals_views, funding_views, views

app_name = "care"
urlpatterns = [
    path("services/", views.services, name="services"),
    path("packages/<int:pk>/", views.package, name="package"),
    path("import/", views.import_file, name="import"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("people/<int:person_pk>/top-ups/new/", funding_views.top_up_new, name="top_up_new"),
    path("top-ups/<int:pk>/end/", funding_views.top_up_end, name="top_up_end"),
    path("people/<int:person_pk>/chc-awards/new/", funding_views.chc_new, name="chc_new"),
    path("chc-awards/<int:pk>/end/", funding_views.chc_end, name="chc_end"),
    path("chc-awards/<int:pk>/withdraw/", funding_views.chc_withdraw, name="chc_withdraw"),
    path("organisations/", funding_views.organisations, name="organisations"),
    path("organisations/new/", funding_views.organisation_new, name="organisation_new"),
    path("actuals/import/", actuals_views.actuals_import, name="actuals_import"),
    path(
        "actuals/import/<int:pk>/",
        actuals_views.actuals_import_result,
        name="actuals_import_result",
    ),
    path("actuals/import/template.csv", actuals_views.actuals_template, name="actuals_template"),
    path("actuals/exceptions/", actuals_views.actuals_exceptions, name="actuals_exceptions"),
    path("actuals/<int:pk>/", actuals_views.actual, name="actual"),
]
