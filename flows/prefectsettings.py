"""Prefect's settings, checked before a command uses them: one line naming the one that is invalid.

A PREFECT_* value that fails Prefect's validation, in the environment or in the active Prefect
profile (PREFECT_API_REQUEST_TIMEOUT=abc, `PREFECT_LOGGING_LEVEL = "loud"`), fails Prefect's
settings at its import. Prefect logs pydantic's error over four lines and goes on without settings,
so the first use failed again, later and in other words (a local server that exited before it
answered, its cause in a log file). newsflow.cli_run holds that log back while it loads these
commands; this module says it instead, in one line, and the command exits 4 (README).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any, cast

from prefect.settings import Settings, get_current_settings
from pydantic import AliasChoices, BaseModel, ValidationError

from flows import configured_setting
from flows.localserver import PrefectUnavailable, wanted_port

# Not a fault of its own: pydantic reports it beside the field that is (LoggingSettings.config_path).
CONSEQUENTIAL_ERRORS = frozenset({"default_factory_not_called"})


def check_prefect_settings() -> None:
    """PrefectUnavailable naming the first invalid PREFECT_* setting, if there is one.

    Free when the settings are valid: Prefect's import built them already. When it could not, no
    settings are cached and asking builds them again, which raises again."""
    try:
        get_current_settings()
    except ValidationError as exc:
        raise PrefectUnavailable(invalid_setting_line(exc)) from None


def invalid_setting_line(exc: ValidationError) -> str:
    errors = exc.errors()
    error = next((e for e in errors if e["type"] not in CONSEQUENTIAL_ERRORS), errors[0])
    field = str(error["loc"][0]) if error["loc"] else ""
    names = setting_names(Settings).get((exc.title, field), [])
    name = next((n for n in names if n in os.environ), None) or next(
        (n for n in names if configured_setting(n) is not None), None)
    if name is None:  # a value Prefect read from somewhere newsflow does not look (a .env file)
        return (f"a Prefect setting is invalid ({exc.title}.{field}: {error['msg']}): fix or unset it "
                "(`uv run prefect config view --show-sources` shows where it is set)")
    if name == "PREFECT_SERVER_API_PORT":
        wanted_port()  # PrefectUnavailable in its own words when the environment holds it
    in_environment = name in os.environ
    value = os.environ[name] if in_environment else configured_setting(name)
    where = ("in the environment: fix it, or unset it" if in_environment else
             f"in the active Prefect profile: fix it, or unset it (`uv run prefect config unset {name}`)")
    return f"Prefect setting {name}={value!r} is invalid ({error['msg']}), {where}"


@cache
def setting_names(model: type[BaseModel]) -> dict[tuple[str, str], list[str]]:
    """(settings class, field) -> the variables that set it: PREFECT_ + its path, then its aliases
    (PREFECT_API_REQUEST_TIMEOUT for APISettings.request_timeout; PREFECT_SERVER_API_PORT for port)."""
    names: dict[tuple[str, str], list[str]] = {}
    prefix = str(cast(dict[str, Any], model.model_config).get("env_prefix") or "")
    for field_name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            names |= setting_names(field.annotation)
            continue
        choices = field.validation_alias.choices if isinstance(field.validation_alias, AliasChoices) else []
        aliases = [choice.upper() for choice in choices if isinstance(choice, str)]
        canonical = f"{prefix}{field_name.upper()}"
        names[(model.__name__, field_name)] = [canonical] + [alias for alias in aliases if alias != canonical]
    return names
