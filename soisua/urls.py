from django.urls import include, path, re_path

from soisua.accounts.views import set_language
from soisua.api import api, unknown_path
from soisua.core.views import healthz, server_error
from soisua.documents.views import setup

urlpatterns = [
    path("", include("soisua.org.urls")),
    path("accounts/", include("soisua.accounts.urls")),
    path("inbox/", include("soisua.notifications.urls")),
    path("documents/", include("soisua.documents.urls")),
    path("reviews/", include("soisua.reviews.urls")),
    path("corrections/", include("soisua.corrections.urls")),
    path("meetings/", include("soisua.meetings.urls")),
    path("dues/", include("soisua.dues.urls")),
    path("quality/", include("soisua.quality.urls")),
    path("library/", include("soisua.library.urls")),
    path("directives/", include("soisua.directives.urls")),
    path("oversight/", include("soisua.oversight.urls")),
    path("alerts/", include("soisua.alerts.urls")),
    path("api/", api.urls),
    re_path(r"^api/", unknown_path),
    path("i18n/setlang/", set_language, name="set_language"),
    # The first-run set-up of an installation without units (documents/views/units.py).
    path("setup/", setup, name="setup"),
    path("healthz", healthz, name="healthz"),
]

handler500 = server_error
