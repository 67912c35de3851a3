from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/care/", views.care, name="care"),
    path("<int:pk>/assessments/", views.assessments, name="assessments"),
    path("<int:pk>/account/", views.account, name="account"),
    path("<int:pk>/history/", views.history, name="history"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/address/<str:role>/", views.address, name="address"),
]
