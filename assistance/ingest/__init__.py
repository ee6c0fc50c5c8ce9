"""Getting users' files in, as a short sequence of named steps (pipeline.Ingest runs them in order):
read and decode (decode, headers), stage, validate (validate, checks), report, commit. Also the upload
history and undo (batches) and the blank templates users start from (templates). No Streamlit here: the
Upload page and the command line share it."""
