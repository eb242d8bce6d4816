"""The design document's UserService in Python (examples/python/user-service)."""
