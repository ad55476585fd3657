"""Names and defaults of `.gitops-release.yaml` that code needs without reading a config
(importing them loads neither the config model nor its loader)."""

CONFIG_FILE = ".gitops-release.yaml"
DEFAULT_HELM_KEY = "image.tag"
DEFAULT_RENDER_TIMEOUT = 120.0
