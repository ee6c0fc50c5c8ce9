"""Getting users' files in: decode bytes (CSV in any usual encoding, spreadsheets), find and match the header,
stage, validate in SQL, report line-numbered errors, commit in one transaction as a batch, and undo a batch.
Also the blank templates users start from. No Streamlit here: the Upload page and the command line share it."""
