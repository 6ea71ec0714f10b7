"""``python -m kommunrapport`` runs the command line."""

from kommunrapport.cli import main

main()
