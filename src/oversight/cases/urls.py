from .views import audits, cases, decisions, holds, safeguards, team

app_name = "cases"
urlpatterns = [
    *cases.urlpatterns,
    *team.urlpatterns,
    *safeguards.urlpatterns,
    *decisions.urlpatterns,
    *audits.urlpatterns,
    *holds.urlpatterns,
]
