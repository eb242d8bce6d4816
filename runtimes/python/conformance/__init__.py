"""The Python conformance service: conformance/contract.json implemented once (conformance/README.md)."""
