"""The tinnhiem command line."""
