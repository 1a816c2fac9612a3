"""The person's own words for things, and their own people for Help now."""
