"""`make bench`: the project's performance budgets, measured and printed (see docs/benchmarks.md)."""
