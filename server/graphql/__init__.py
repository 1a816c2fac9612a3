"""The GraphQL layer: one schema merged from every domain, its context and its guards."""
