"""Preview environments: one directory per (app, pull request) in the manifest repository —
where it goes (`layout`), what the tool records there (`meta`) and the kustomization it writes
(`kustomization`). Pure: texts in, texts out; the flow (`flows.preview_env`) does the rest."""
