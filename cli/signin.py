"""Sign-in settings read whole before a server starts."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings
from pydantic_settings.exceptions import SettingsError

from api.settings import ApiSettings, OidcSettings
from api.signin import check_grants
from cli.errors import settings_error, settings_source_error
from engine.domain.site import Catalogue

S = TypeVar("S", bound=BaseSettings)


def _read(cls: type[S], prefix: str, **given: Any) -> S:
    try:
        return cls(**given)
    except ValidationError as exc:
        raise settings_error(exc, prefix) from None
    except SettingsError as exc:
        raise settings_source_error(exc, prefix) from None


def api_settings(catalogue: Catalogue, **overrides: Any) -> ApiSettings:
    """The API's settings with every grant checked against the hospital: a grant that
    cannot be honoured stops `dispatch serve` (exit 2) before it listens."""
    oidc = _read(OidcSettings, "DISPATCH_OIDC_")
    api = _read(ApiSettings, "DISPATCH_", oidc=oidc, **overrides)
    check_grants(api, catalogue)
    return api
