"""Steps the flows are made of: the manifest-checkout session, the one publish step, the image
pull request, the rendered diff, the gates over renders, the pull-request preview. A flow
composes steps (and never another flow); a step never imports a flow."""
