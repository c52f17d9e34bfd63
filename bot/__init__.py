"""Co-production bot: application wiring, configuration, the pure domain and rendering."""
