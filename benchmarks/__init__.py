"""Speed measurements of lienthong (scripts, not tests): see benchmarks/README.md."""
