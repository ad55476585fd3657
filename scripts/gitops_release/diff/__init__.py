"""Resource-level diffs of rendered manifests: identity, normalisation, Secret redaction, image
changes, and the reports (Markdown comment, job summary, text, JSON). Pure: no I/O."""
