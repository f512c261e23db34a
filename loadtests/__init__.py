"""The Locust load-test kit: users, data-driven load shapes, run definitions with thresholds,
and the reference connector (the example provincial connector vendors read).

Run `python -m loadtests run loadtests/runs/smoke.yaml --spawn` for a complete local run.
"""
