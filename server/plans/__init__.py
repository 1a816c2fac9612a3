"""Break and ending plans: dates in the person's own time zone, and what helps."""
