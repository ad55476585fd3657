"""`.gitops-release.yaml`: validated against schema.json, then turned into a frozen `Config`."""

from gitops_release.config.loader import load_config, load_config_text, schema
from gitops_release.config.model import (
    CONFIG_FILE,
    App,
    BranchDeploySettings,
    Config,
    Environment,
    GateSettings,
    PreviewSettings,
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
    "Target",
    "load_config",
    "load_config_text",
    "schema",
]
