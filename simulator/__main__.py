"""`python -m simulator ...`: the sandbox's command line."""

from simulator.cli import main

if __name__ == "__main__":
    main()
