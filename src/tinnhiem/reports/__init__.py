"""Minutes, announcement and spreadsheet: each renders a frozen ``RoundResult`` to bytes."""
