"""The portal's payment platform and the State Treasury receipts it produces (INIT, QUERY, GET_BILL)."""
