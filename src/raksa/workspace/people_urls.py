from django.urls import path

from raksa.workspace import access_views
from raksa.workspace import people_views as views

app_name = "people"

urlpatterns = [
    path("people/", views.person_search_page, name="search"),
    path("people/<int:pk>/", views.person_detail, name="detail"),
    path("people/<int:pk>/access/", access_views.person_access, name="access"),
]
