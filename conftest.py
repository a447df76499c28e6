import os

# Production rules are the settings' default; the test suites choose the test environment explicitly.
os.environ.setdefault("ENVIRONMENT", "test")

pytest_plugins = ["clinic_shared.testing.plugin"]
