from .views import papers, register, reports, responses, tracking

app_name = "recommendations"
urlpatterns = [
    *register.urlpatterns,
    *reports.urlpatterns,
    *tracking.urlpatterns,
    *responses.urlpatterns,
    *papers.urlpatterns,
]
