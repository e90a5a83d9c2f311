"""The office's own files read in: spreadsheets (XLSX and CSV) of subjects, delegates and exemptions."""
