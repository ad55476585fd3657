"""One module per CLI command; each only parses options, calls one flow and renders its result."""
