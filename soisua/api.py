"""The JSON API: one NinjaAPI, assembled here at the project level from each app's router, with the same access
rules as the pages.

Every refusal has the body {"detail": <translated message>, "code": <machine code>} (core.api_common.ErrorOut),
and every operation declares 401, 403, 404, 422 and 429 in the OpenAPI schema.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer, SessionAuth

from soisua.accounts import policy, services, throttle, two_factor
from soisua.alerts.api import router as alerts_router
from soisua.core.api_common import ApiError
from soisua.corrections.api import router as corrections_router
from soisua.directives.api import router as directives_router
from soisua.dues.api import router as dues_router
from soisua.library.api import router as library_router
from soisua.meetings.api import router as meetings_router
from soisua.org import access
from soisua.org.api import router as org_router
from soisua.oversight.api import router as oversight_router
from soisua.reviews.api import router as reviews_router

# What a read token may still do: the methods that change nothing.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """A bearer token issued on /accounts/tokens/. Unknown and expired tokens count against the caller's
    address; past the limit every token from that address is refused (429) until the window ends, so tokens
    cannot be guessed.

    A valid token acts as its owner, within its limits, for every operation present and future: at most
    API_TOKEN_RATE_PER_MINUTE requests a minute (429 "rate_limited"), no write with a read token (403
    "read_only_token"), and with a unit, only that unit's subtree (org.access narrows every decision)."""

    def authenticate(self, request, token: str):
        failures = throttle.api_token_failures()
        address = throttle.client_address(request) or ""
        if wait := failures.wait(address):
            minutes = -(-wait // 60)
            raise ApiError(429, "throttled", ngettext(
                "Too many failed API tokens from your address. Try again in %(minutes)s minute.",
                "Too many failed API tokens from your address. Try again in %(minutes)s minutes.",
                minutes) % {"minutes": minutes}, wait=wait)
        row, refusal = services.check_api_token(token)
        if row is None:
            failures.hit(address)
            request.api_token_refusal = refusal
            return None
        if policy.requires_two_factor(row.user) and not two_factor.has_two_factor(row.user):
            raise ApiError(403, "two_factor_not_set_up", _(
                "The owner of this API token must set up two-factor login before the token can be used: log in "
                "once on the site to do so."))
        request.user = row.user
        # The user's language, as for pages (the language middleware ran before the token was read).
        translation.activate(row.user.language)
        request.LANGUAGE_CODE = row.user.language
        requests = throttle.api_token_requests()
        if wait := requests.wait(str(row.pk)):
            raise ApiError(429, "rate_limited", ngettext(
                "This API token has made too many requests. Try again in %(seconds)s second.",
                "This API token has made too many requests. Try again in %(seconds)s seconds.",
                wait) % {"seconds": wait}, wait=wait)
        requests.hit(str(row.pk))
        if request.method not in READ_METHODS and not row.writes:
            raise ApiError(403, "read_only_token", _("This API token may only read. Create a token that may read "
                                                     "and write on the API tokens page."))
        if row.unit_id is not None:
            access.limit_to_unit(row.user, row.unit_id)
        return row.user


class VerifiedSessionAuth(SessionAuth):
    """The session of a logged-in user, as the pages have it: a session that still owes its second factor
    (accounts.two_factor.needs_code, not verified on the code page) is refused, so the API is no way around it."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is not None and not user.is_verified() and two_factor.needs_code(user):
            raise ApiError(403, "two_factor_required", _(
                "Finish logging in first: enter the code from your authenticator app on the site."))
        return user


class Docs(DocsBase):
    """The API's reference, written out on the server from the OpenAPI schema in the reader's language, under the
    product's header like every page: each operation with its method, path, summary, parameters and answers. (A
    script-drawn explorer would bring its own English buttons and headings.) The schema itself is linked for
    programs."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        groups: dict[str, list[dict]] = {}
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                body = operation.get("requestBody", {}).get("content", {})
                groups.setdefault((operation.get("tags") or [""])[0], []).append({
                    "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [{"name": parameter["name"], "where": PARAMETER_PLACES.get(parameter["in"], ""),
                                    "required": parameter.get("required", False),
                                    "description": parameter.get("description", "")}
                                   for parameter in operation.get("parameters", [])],
                    "body": next(iter(body), ""),
                    "answers": sorted((int(status), answer.get("description", ""))
                                      for status, answer in operation.get("responses", {}).items())})
        return render(request, "core/api_docs.html", {
            "description": schema["info"].get("description", ""), "version": schema["info"]["version"],
            "groups": sorted(groups.items()), "schema_url": self.get_openapi_url(api, kwargs)})


PARAMETER_PLACES = {"path": gettext_lazy("in the path"), "query": gettext_lazy("in the query"),
                    "header": gettext_lazy("in a header"), "cookie": gettext_lazy("in a cookie")}


class Api(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """The schema in the caller's language: what the generator writes in English (each answer's description,
        the page parameters) is replaced by its translation."""
        schema = super().get_openapi_schema(**kwargs)
        for path in schema["paths"].values():
            for operation in path.values():
                for status, answer in operation.get("responses", {}).items():
                    if int(status) in RESPONSE_DESCRIPTIONS:
                        answer["description"] = RESPONSE_DESCRIPTIONS[int(status)]
                for parameter in operation.get("parameters", []):
                    if parameter["name"] in PARAMETER_DESCRIPTIONS:
                        parameter["description"] = PARAMETER_DESCRIPTIONS[parameter["name"]]
                        parameter.get("schema", {}).pop("description", None)
        return schema


RESPONSE_DESCRIPTIONS = {
    200: gettext_lazy("The answer"),
    401: gettext_lazy("Not logged in, or no valid API token"),
    403: gettext_lazy("The caller may not do this"),
    404: gettext_lazy("Not found, or not the caller's to see"),
    422: gettext_lazy("A parameter is not valid"),
    429: gettext_lazy("Too many requests: too many failed API tokens from the caller's address, or too many "
                      "requests of this token in a minute"),
}
PARAMETER_DESCRIPTIONS = {
    "page": gettext_lazy("Page number, from 1."),
    "page_size": gettext_lazy("Items per page."),
}

api = Api(title="soisua API", version="1", auth=[TokenAuth(), VerifiedSessionAuth()], urls_namespace="api",
          docs_url="/docs", docs=Docs(), description=gettext_lazy(
              "Units, members and reviews, with the same access rules as the pages. Send the session of a "
              "logged-in user, or an API token (created on the API tokens page) as `Authorization: Bearer "
              "<token>`. Every refusal has the body `{\"detail\": <message in the caller's language>, \"code\": "
              "<code for programs>}`; lists come in pages."))


def _error(request: HttpRequest, status: int, code: str, detail: str, **extra) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "code": code, **extra}, status=status)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    response = _error(request, exc.status, exc.code, exc.detail)
    if exc.wait is not None:
        response["Retry-After"] = str(exc.wait)
    return response


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    if getattr(request, "api_token_refusal", None) == "expired":
        return _error(request, 401, "token_expired",
                      _("This API token has expired. Create a new one on the API tokens page."))
    return _error(request, 401, "not_authenticated", _("Log in, or send a valid API token."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return unknown_path(request)


def unknown_path(request):
    """Any address under /api/ that names no operation (a misspelt path, a trailing slash): the API's own 404."""
    return _error(request, 404, "not_found", _("Not found, or you do not have access to it."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", _("You may not do this."))


def _field_name(location) -> str:
    """Where a refused value was, as the caller wrote it: a parameter's name, or `body.` and the field's path in
    the JSON body (whatever the operation calls its body)."""
    where, *parts = [str(part) for part in location] or ["request"]
    if where == "body":
        return ".".join(["body", *parts[1:]])
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def _invalid_parameters(request, exc: NinjaValidationError):
    fields = [{"field": _field_name(error.get("loc", ())), "code": str(error.get("type", "invalid"))}
              for error in exc.errors]
    names = ", ".join(dict.fromkeys(item["field"] for item in fields))
    return _error(request, 422, "invalid", _("Some values in the request are not valid: %(fields)s.")
                  % {"fields": names}, errors=fields)


@api.exception_handler(DjangoValidationError)
def _refused(request, exc: DjangoValidationError):
    return _error(request, 422, getattr(exc, "code", None) or "invalid", " ".join(exc.messages))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        # Ninja answers 400 only for a request body its parser could not read: a bad parameter like any other.
        return _error(request, 422, "malformed_json", _("The request body is not valid JSON."))
    known = {403: ("forbidden", _("You may not do this.")),
             404: ("not_found", _("Not found, or you do not have access to it.")),
             429: ("throttled", _("Too many requests. Try again later."))}
    code, detail = known.get(exc.status_code, ("error", str(exc)))
    return _error(request, exc.status_code, code, detail)


api.add_router("/", org_router)
api.add_router("/", meetings_router)
api.add_router("/", dues_router)
api.add_router("/", library_router)
api.add_router("/", reviews_router)
api.add_router("/", corrections_router)
api.add_router("/", directives_router)
api.add_router("/", alerts_router)
api.add_router("/", oversight_router)
