"""`.gitops-release.yaml`: validated against schema.json, then turned into a frozen `Config`.

The names below load on first use (PEP 562): a command that finds no config file (a `diff` of
a repository without one) loads neither the model nor the loader.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gitops_release.config.defaults import CONFIG_FILE

if TYPE_CHECKING:
    from gitops_release.config.loader import load_config, load_config_text, schema
    from gitops_release.config.model import (
        App,
        BranchDeploySettings,
        Config,
        Environment,
        GateSettings,
        PreviewSettings,
        Strategies,
        Strategy,
        Target,
    )

__all__ = [
    "CONFIG_FILE",
    "App",
    "BranchDeploySettings",
    "Config",
    "Environment",
    "GateSettings",
    "PreviewSettings",
    "Strategies",
    "Strategy",
    "Target",
    "load_config",
    "load_config_text",
    "schema",
]

_LOADER = frozenset({"load_config", "load_config_text", "schema"})


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "loader" if name in _LOADER else "model"
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
