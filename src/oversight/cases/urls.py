from .views import audits, cases, decisions, safeguards, team

app_name = "cases"
urlpatterns = [
    *cases.urlpatterns,
    *team.urlpatterns,
    *safeguards.urlpatterns,
    *decisions.urlpatterns,
    *audits.urlpatterns,
]
