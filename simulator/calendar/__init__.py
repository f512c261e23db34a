"""The civil-service calendar as an admin API: days off and working days, and due dates."""
