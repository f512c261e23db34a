"""The bare Flask JSON endpoint the sandbox's lookup is compared with (same gunicorn setup).

`POST /json` takes the very request the lookup benchmark sends (same headers, same JSON body),
parses the body as any JSON endpoint must and answers a fixed JSON reply: the lookup's own
reply for one citizen, read from the file named by `BENCH_REPLY_JSON` (bench/run_bench.py
writes it), with the request's MaYeuCau. `GET /json` answers the same without a body to read.
Nothing else: no validation, no journal, no faults, no identity. Flask's standard JSON provider.
"""

import json
import os

from flask import Flask, jsonify, request

app = Flask(__name__)
app.json.ensure_ascii = False
app.json.sort_keys = False
_REPLY_FILE = os.environ.get("BENCH_REPLY_JSON")
REPLY = (
    json.loads(open(_REPLY_FILE, encoding="utf-8").read()) if _REPLY_FILE else {"error_code": "0", "message": "Thành công", "TonTai": True}
)


@app.post("/json")
def echo():
    """Parse the JSON body and answer the fixed reply with its MaYeuCau."""
    body = request.get_json(silent=True) or {}
    return jsonify({**REPLY, "MaYeuCau": body.get("MaYeuCau")})


@app.get("/json")
def hello():
    """The fixed reply, nothing else."""
    return jsonify(REPLY)
