"""The registry as data users load: pairings of every tier (importer), 一校一策 plan targets (plans), the registry
export in the import format (export), undo of registry and plan batches (undo), name resolution (places, resolve)
and the command line (commands, cli). No Streamlit here: a Registry page and the command line share it."""
