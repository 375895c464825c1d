"""The JSON API: one NinjaAPI, routers from each app, the same access rules as the pages."""

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        from soisua.accounts.models import ApiToken

        row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
        if row is None or not row.user.is_active:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(title="soisua API", version="1", auth=[TokenAuth(), django_auth], urls_namespace="api",
               docs_url="/docs")


def _register_routers() -> None:
    from soisua.org.api import router as org_router
    from soisua.reviews.api import router as reviews_router

    api.add_router("/", org_router)
    api.add_router("/", reviews_router)


_register_routers()
