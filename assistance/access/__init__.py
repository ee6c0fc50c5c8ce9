"""Who may see and do what (issue 12): accounts and their roles, the one function that turns an account into the
scope every query and write is held to, what each role may do, signed-in browser sessions, and the append-only
audit trail of every write. Nothing here draws anything: the web shell and the command line use it alike."""
