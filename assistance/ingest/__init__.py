"""Getting users' files in, as a short sequence of named steps (pipeline.Ingest runs them in order for an
activity log): read and decode (decode), stage (stage; the header by fields, the one matcher of every kind of
file, and the activity columns in headers), validate (validate, checks), report, commit. What every kind of
file's import shares around its steps is job.FileJob (the registry and plan imports are FileJobs too). Also the
upload history and undo (batches) and the blank templates users start from (templates). No Streamlit here: the
Upload page, the Registry page and the command line share it."""
