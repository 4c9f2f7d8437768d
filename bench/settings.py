"""Settings for benchmark stacks: the project's, plus bare baseline views and a query counter.

Never used in production; `bench/stack.py` selects it with DJANGO_SETTINGS_MODULE=bench.settings.
"""

from atelier.settings import *  # noqa: F403
from atelier.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
MIDDLEWARE = ["bench.views.QueryCountMiddleware", *MIDDLEWARE]
