"""python -m dss_cli: the same as the `dss` console script."""

from dss_cli.main import app

app(prog_name="dss")
