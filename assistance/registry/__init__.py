"""The registry as data users load: pairings of every tier (importer) and its commit step (commit), 一校一策 plan
targets (plans), what both imports share (common), the registry export in the import format (export), undo of a
batch of any kind (undo), name resolution (places, resolve). No Streamlit here: the Registry page
(web.registry_flow, web.registry_sections) and the command line (cli.registry, cli.registry_args) share it."""
