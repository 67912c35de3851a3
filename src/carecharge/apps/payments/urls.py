from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.receipt_list, name="receipts"),
    path("unallocated/", views.unallocated, name="unallocated"),
    path("in-person/", views.in_person, name="in_person"),
    path("banking/", views.banking, name="banking"),
    path("receipts/<str:number>/", views.receipt, name="receipt"),
    path("receipts/<str:number>/clear/", views.clear, name="clear"),
    path("receipts/<str:number>/move/", views.move, name="move"),
    path("receipts/<str:number>/reverse/", views.reverse, name="reverse"),
]
