"""Entry points: the `dispatch` command line and the demo. Above api/ and simulations/."""
