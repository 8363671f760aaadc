from motcua.dossiers.tests.conftest import province  # noqa: F401  (the test province)
