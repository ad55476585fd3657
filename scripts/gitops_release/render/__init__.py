"""Rendering manifests with the real tools (kustomize, Helm) and finding what to render."""
