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
    path("receipts/<str:number>/split/", views.split, name="split"),
    path("import/", views.import_file, name="import"),
    path("files/<int:pk>/", views.payment_file, name="file"),
    path("reconciliation/", views.reconcile, name="reconcile"),
    path("reconciliation/<int:pk>/", views.kept_reconciliation, name="reconciliation"),
    path("expected/", views.expected_income, name="expected"),
    path("cards/<str:code>/", views.payment_card, name="card"),
    path("refunds/", views.refund_list, name="refunds"),
    path("refunds/bacs/", views.refund_bacs, name="refund_bacs"),
    path("refunds/bacs/<int:pk>/", views.refund_bacs_file, name="refund_bacs_file"),
    path("refunds/new/<str:reference>/", views.refund_request, name="refund_request"),
    path("refunds/<str:number>/", views.refund, name="refund"),
    path("refunds/<str:number>/decide/", views.refund_decide, name="refund_decide"),
    path("refunds/<str:number>/paid/", views.refund_paid, name="refund_paid"),
]
