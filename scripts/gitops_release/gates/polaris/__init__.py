"""A Polaris-compatible audit engine that reads the same config file as the Polaris binary."""
