"""Translation catalogues: one module per area of the app, each exporting STRINGS."""
