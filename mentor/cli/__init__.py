"""The `mentor` command line: thin commands over the SDK."""
