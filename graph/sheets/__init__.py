"""A concept as the spreadsheet an import reads: export and the template to start from."""
