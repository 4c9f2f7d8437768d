from django.urls import path

from program.films import views

urlpatterns = [
    path("films/", views.public_films, name="films-public"),
    path("films/<int:pk>/media/<str:variant>/", views.film_media, name="films-media"),
    path("portal/films/", views.my_films, name="films-mine"),
    path("portal/films/submit/", views.submit_film, name="films-submit"),
    path("portal/films/licenses/", views.my_licenses, name="films-licenses-mine"),
    path("portal/films/<int:pk>/", views.film_detail, name="films-detail"),
    path("staff/curation/", views.curator_assignments, name="films-curator"),
    path("staff/curation/<int:pk>/", views.curator_review, name="films-review"),
    path("staff/curation/rounds/<int:pk>/results/", views.round_results, name="films-results"),
    path("staff/films/", views.staff_films, name="films-staff"),
    path("staff/films/rounds/", views.staff_rounds, name="films-rounds"),
    path("staff/films/rounds/<int:pk>/", views.staff_round, name="films-round"),
    path("staff/films/screenings/", views.staff_screenings, name="films-screenings"),
    path("staff/films/screenings/<int:pk>/", views.staff_screening, name="films-screening"),
    path("staff/films/licenses/", views.staff_licenses, name="films-licenses"),
    path("staff/films/licenses/<int:pk>/", views.staff_license, name="films-license"),
]
