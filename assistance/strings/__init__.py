"""Translation catalogues: one module per area of the app, each exporting STRINGS = {key: (chinese, english)}.
`assistance.i18n` merges them into the one lookup every visible string goes through."""
