"""Every rendering of a result: text for people, JSON for programs, GitHub Actions step outputs,
job summaries and annotations, Markdown and SARIF.

One subpackage per subject (`results` of the release flows, the rendered `diff`, the `gates`
report), one module per format. Pure functions of the values they are given: the commands
decide where the text goes. Reporting reads the domain models (`diff.model`, `gates.model`, …)
and never imports a flow or a command at run time (the flows' result types are named for
annotations only).
"""
