"""The command groups of `dss`, one module each; dss_cli/main.py puts them together."""
