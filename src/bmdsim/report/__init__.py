"""Report stage: writing results (tables, JSON); presentation only, no physics."""
