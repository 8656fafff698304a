"""The bare-Flask reference of bench/mixed_workload.py: one route answering the bytes of a
recorded day-view response (BARE_FLASK_BODY names the file), served by the same gunicorn
settings as the app. Day view ÷ this = what the application adds to Flask and gunicorn.

    BARE_FLASK_BODY=day.json gunicorn -c gunicorn.conf.py --pythonpath bench/support bare_flask:app
"""
import os

from flask import Flask, Response

app = Flask(__name__)
with open(os.environ["BARE_FLASK_BODY"], "rb") as source:
    BODY = source.read()


@app.get("/api/v1/visits")
def day_view():
    return Response(BODY, mimetype="application/json")


@app.get("/health")
def health():
    return {"status": "ok"}
