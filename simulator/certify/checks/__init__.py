"""The requirement checks, one module per thing they check; `simulator.certify.grader` runs them.

- `context.py`   what every check reads: the campaign record and the exchanges, indexed, and
  the `Result` a check answers;
- `pushes.py`    PUSH-*: how the connector answers the portal's pushes;
- `syncs.py`     SYNC-*: how it syncs dossiers back (DongBoHoSoMC);
- `progress.py`  PROG-*: how it reports progress (CapNhatTienDoHoSoMC, DongBoDanhGia);
- `faults.py`    FAULT-*: how it behaves when the portal fails;
- `ministries.py` MIN-*: its calls to the ministry systems.

Each module declares its checks in a `CHECKS` dict (requirement id → function).
"""
