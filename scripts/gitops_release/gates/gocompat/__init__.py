"""Go semantics the gates reproduce so that they judge as Pluto and Polaris do: `text/template`,
`golang.org/x/mod/semver`, Kubernetes `resource.Quantity` and RE2 patterns."""
