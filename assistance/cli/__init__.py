"""`python -m assistance …`: every command in one place. Each is a thin wrapper over the same library
functions the app uses; errors about files or a busy database are one line on stderr with exit status 2."""
