"""Everything that reads YAML: one parser front end and the views built on it.

- `parser`: ruamel.yaml set up once (the C parser when `ruamel.yaml.clib` is installed, the
  pure-Python one otherwise or where the C scanner refuses what YAML 1.2 accepts), composing a
  stream into node trees.
- `errors`: the one syntax error type, built from ruamel's exceptions.
- `nodes`: located nodes (exact offsets and key paths) for the edit engine, the config loader and
  everything else that reads user YAML as YAML 1.2.
- `goscalars` and `godocs`: the Go-flavoured reading (yaml.v3 / yaml.v2 scalar rules, duplicate
  keys) the gates need to give Pluto's and Polaris's verdicts.
- `podspec`: which keys lead from a workload to its pod spec.
"""
