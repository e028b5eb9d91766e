"""``python -m samesku``: the command line."""

from samesku.cli import main

if __name__ == "__main__":
    main()
