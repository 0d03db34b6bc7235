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
import re
from functools import cache
from typing import Any, cast

from prefect.settings import Settings, get_current_settings
from pydantic import AliasChoices, BaseModel, ValidationError
from pydantic_settings import SettingsError

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
        errors = exc.errors()
        error = next((e for e in errors if e["type"] not in CONSEQUENTIAL_ERRORS), errors[0])
        field = str(error["loc"][0]) if error["loc"] else ""
        raise PrefectUnavailable(invalid_setting_line(exc.title, field, error["msg"])) from None
    except SettingsError as exc:  # a dict or list setting (PREFECT_CLIENT_CUSTOM_HEADERS) that is not JSON
        named = re.search(r'field "(\w+)"', str(exc))
        raise PrefectUnavailable(invalid_setting_line(None, named[1] if named else "", "not valid JSON")) from None


def invalid_setting_line(model: str | None, field: str, problem: str) -> str:
    """The line for `field` of the settings class `model` (any class when None): which variable,
    its value as written, where it is set, and what to do."""
    names = [name for (owner, owner_field), names in setting_names(Settings).items()
             if owner_field == field and model in (None, owner) for name in names]
    name = next((n for n in names if n in os.environ), None) or next(
        (n for n in names if configured_setting(n) is not None), None)
    if name is None:  # Prefect's other sources, which newsflow does not read
        return (f"Prefect setting {names[0] if names else field} is invalid ({problem}); it is set in neither the "
                "environment nor the active Prefect profile, so in a .env, prefect.toml or pyproject.toml "
                "([tool.prefect]) of the working folder: fix it, or unset it there")
    if name == "PREFECT_SERVER_API_PORT":
        wanted_port()  # PrefectUnavailable in its own words when the environment holds it
    in_environment = name in os.environ
    value = os.environ[name] if in_environment else configured_setting(name)
    where = ("in the environment: fix it, or unset it" if in_environment else
             f"in the active Prefect profile: fix it, or unset it (`uv run prefect config unset {name}`)")
    return f"Prefect setting {name}={value!r} is invalid ({problem}), {where}"


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
