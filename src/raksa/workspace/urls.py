from django.urls import path

from raksa.workspace import access_views, views

app_name = "cases"

urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/access/", access_views.case_access, name="access"),
    path("cases/<str:number>/notes/", views.note_add, name="note_add"),
    path("cases/<str:number>/public-notes/", views.public_note_add, name="public_note_add"),
    path("cases/<str:number>/attachments/", views.attachment_add, name="attachment_add"),
    path("cases/<str:number>/attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("cases/<str:number>/status/", views.status_change, name="status_change"),
    path("cases/<str:number>/close/", views.case_close, name="close"),
    path("cases/<str:number>/reopen/", views.case_reopen, name="reopen"),
    path("cases/<str:number>/join/", views.incident_join, name="incident_join"),
    path("cases/<str:number>/assign/", views.case_assign, name="assign"),
    path("cases/<str:number>/referrals/", views.referral_create, name="referral_create"),
    path("cases/<str:number>/referrals/<int:pk>/accept/", views.referral_accept, name="referral_accept"),
    path("cases/<str:number>/referrals/<int:pk>/decline/", views.referral_decline, name="referral_decline"),
]
