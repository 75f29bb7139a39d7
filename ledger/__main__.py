"""``python -m ledger`` and the installed ``ledger`` command (``ledger.__main__:main``)."""

from ledger import lifetime


def main() -> None:
    """Collect garbage rarely from the first import of the command line on (ledger.lifetime)."""
    lifetime.starting()
    from ledger.cli import main as run

    run()


if __name__ == "__main__":
    main()
