"""A bare Flask JSON endpoint, the baseline the sandbox's lookup is compared with (same gunicorn setup)."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.post("/json")
@app.get("/json")
def hello():
    """A small JSON body, nothing else."""
    return jsonify({"error_code": "0", "message": "Thành công", "TonTai": True})
