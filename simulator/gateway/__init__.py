"""The national integration platform (NGSP) gateway: OAuth2 client credentials, access rights, routing.

Ministry systems mark their views with `@gateway_service(...)`; the gateway then lists them
(`GET /ngsp/services`), checks the caller's token and access rights on every call, and
routes `/ngsp/{system}/...` to the system's own prefix.
"""
