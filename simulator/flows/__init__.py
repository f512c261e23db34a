"""Asynchronous flows between the portal and the provinces.

Online submissions pushed to province connectors (`submissions`, `push`, `connectors`),
arrival streams on the sandbox clock (`arrivals`), end-to-end figures (`stats`) and citizen
satisfaction ratings (`satisfaction`). Deliveries go through the durable queue in
`simulator.jobs`.
"""
