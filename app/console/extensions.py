"""The console's Flask extensions (one instance each, initialised by install.py)."""
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
babel = Babel()
