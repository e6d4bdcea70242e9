"""Per-instance frames for ``handling_alternatives.py`` (cached in benchmarks/.cache/handling_alternatives)."""
from __future__ import annotations

import pickle
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
CACHE = Path(__file__).resolve().parent / ".cache" / "handling_alternatives" / "frames.pkl"


def build():
    from handling_validation import load_dev_logs
    from rpa_scout.calibration import Calibration
    from rpa_scout.handling import estimate_handling_time
    from rpa_scout.timestamps import epoch_seconds
    from rpa_scout.validation import EVENT_ID, prepare

    out = {}
    for name, log, zone in load_dev_logs():
        dev = prepare(name, log, timezone=zone)
        settings = replace(dev.settings, handling=replace(dev.settings.handling,
                                                          calibration=Calibration(work_share=1.0)))
        res = estimate_handling_time(dev.hidden, settings=settings, manual=dev.manual)
        inst = res.instances
        end = epoch_seconds(inst["time:timestamp"])
        f = pd.DataFrame({EVENT_ID: inst[EVENT_ID].to_numpy(),
                          "activity": inst["concept:name"].astype("string").to_numpy(),
                          "case": pd.factorize(inst["case:concept:name"])[0],
                          "resource": inst["org:resource"].astype("string").to_numpy() if "org:resource" in inst else pd.NA,
                          "end": end, "source": inst["source"].to_numpy(), "bound": inst["bound"].to_numpy(),
                          "upper": inst["upper_s"].to_numpy(), "performer": inst["performer"].to_numpy()})
        f = f.merge(dev.truth[[EVENT_ID, "truth_s", "same_day"]], on=EVENT_ID, how="left")
        out[name] = {"frame": f, "dev": dev, "hours": res.working_hours}
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_bytes(pickle.dumps({k: {"frame": v["frame"], "hours": v["hours"]} for k, v in out.items()}))
    return out


def load():
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    return build()


if __name__ == "__main__":
    d = build()
    for k, v in d.items():
        f = v["frame"]
        print(k, len(f), f["source"].value_counts().to_dict(), f["bound"].value_counts().to_dict(),
              f["truth_s"].notna().sum())
