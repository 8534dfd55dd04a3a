"""The framework floor: a bare Flask app whose one endpoint reads a form field and inserts one row,
in one transaction, on the same PostgreSQL database (table bench_floor, made by bench/load.py).
bench/load.py serves it with the same gunicorn.conf.py as the real app, so the difference between
the two is the app's own work.

    DATABASE_URL=postgresql+psycopg://... gunicorn -c gunicorn.conf.py bench.floor_app:app
"""

from __future__ import annotations

import os
import uuid

from flask import Flask, request
from sqlalchemy import create_engine, text

from feedback_app.config import normalise_database_url

engine = create_engine(normalise_database_url(os.environ["DATABASE_URL"]), pool_pre_ping=True)
app = Flask(__name__)


@app.post("/floor")
def floor() -> tuple[str, int]:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_floor (rid) VALUES (:rid)"),
                     {"rid": request.form.get("rid") or str(uuid.uuid4())})
    return "stored", 201
