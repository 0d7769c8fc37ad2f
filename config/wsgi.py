import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# Everything loaded at start-up (Django, WeasyPrint, fonts, templates) lives as long as the worker:
# move it out of the collector's generations so that a full collection after a large PDF or export
# does not walk it again (bench/README.md, "PDF overhead").
gc.freeze()
