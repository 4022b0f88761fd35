from django.urls import path

from raksa.workspace import access_views
from raksa.workspace import people_views as views

app_name = "people"

# A person is named by their public id only; an integer row id finds nothing (raksa.cases.person_access).
urlpatterns = [
    path("people/", views.person_search_page, name="search"),
    path("people/<str:public_id>/", views.person_detail, name="detail"),
    path("people/<str:public_id>/break-glass/", views.person_break_glass, name="break_glass"),
    path("people/<str:public_id>/access/", access_views.person_access, name="access"),
]
