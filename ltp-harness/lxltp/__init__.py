"""lxltp: run LTP syscall tests natively, under lxrun or in a zone, and compare.

Modules, one job each:
  parse     LTP output -> counts, summary, status (the classification rules)
  runtest   runtest files and subset lists
  families  test tag -> syscall family
  known     known-failures.tsv loading and matching
  results   result rows, TSV / JSON, totals line
  compare   two result sets -> regressions grouped by family, parity
  targets   how a test command is wrapped for native / lxrun / zone:NAME
  runner    executes tests: process groups, subreaper, timeouts
  report    docs/conformance.md
"""
