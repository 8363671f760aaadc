from motcua.dossiers.tests.conftest import province  # noqa: F401  (the test province)
from motcua.workspace.tests.conftest import signed_in  # noqa: F401
