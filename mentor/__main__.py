"""`python -m mentor` runs the CLI."""

from mentor.cli.main import main

main()
