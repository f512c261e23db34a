"""The bare Flask JSON endpoint the sandbox's lookup is compared with (same gunicorn setup).

`POST /json` takes the very request the lookup benchmark sends (same headers, same JSON body),
parses the body as any JSON endpoint must and answers a small JSON object; `GET /json` answers
without a body to read. Nothing else: no validation, no journal, no faults, no identity.
"""

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.post("/json")
def echo():
    """Parse the JSON body and answer with its MaYeuCau."""
    body = request.get_json(silent=True) or {}
    return jsonify({"error_code": "0", "message": "Thành công", "MaYeuCau": body.get("MaYeuCau")})


@app.get("/json")
def hello():
    """A small JSON body, nothing else."""
    return jsonify({"error_code": "0", "message": "Thành công", "TonTai": True})
