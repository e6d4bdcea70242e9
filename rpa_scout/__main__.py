"""``python -m rpa_scout`` runs the command-line interface."""

from rpa_scout.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
