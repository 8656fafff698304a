"""WSGI entry point: `gunicorn wsgi:app`; `python wsgi.py --version` prints the version."""
import sys

from app import __version__, create_app

if __name__ == "__main__" and "--version" in sys.argv[1:]:
    print(f"HAIC-Track {__version__}")
    sys.exit(0)

app = create_app()
