"""Settings for ``make bench-import``: the project's, plus django-import-export (compared
against, never used by the app)."""

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "import_export"]
# All or nothing, as our importer: one transaction per import.
IMPORT_EXPORT_USE_TRANSACTIONS = True
