"""TCX (Training Center Database v2) writer for simulated runs.

One ``Activity Sport="Running"`` with one ``Lap`` holding the totals (time, distance,
maximum speed, calories, average and maximum HR) and a ``Track`` of trackpoints with
time (UTC, ``Z``), position, altitude, cumulative distance, HR and, in the Activity
Extension v2 ``TPX``, ``Speed`` (m/s) and ``RunCadence``.

Cadence: TCX's ``Cadence`` element is for cycling; running cadence goes in
``TPX/RunCadence``, which Garmin writes *per leg* (strides per minute = steps per
minute / 2), as this writer does. The lap's ``LX`` extension has ``AvgSpeed``,
``AvgRunCadence`` and ``MaxRunCadence`` (also per leg).

Built from string templates for speed (see ``gpx.py`` for the measurement); the output
depends only on the activity.
"""

from __future__ import annotations

import numpy as np

from heavylegs.sim.gpx import sample_times
from heavylegs.sim.runs import SimActivity

TCD_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
KCAL_PER_KG_KM = 1.0  # the usual running estimate

_HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<TrainingCenterDatabase xmlns="{TCD_NS}" xmlns:ns3="{AX_NS}" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="{TCD_NS} http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd">
  <Activities>
    <Activity Sport="Running">
      <Id>%(start)s</Id>
      <Lap StartTime="%(start)s">
        <TotalTimeSeconds>%(time).1f</TotalTimeSeconds>
        <DistanceMeters>%(distance).1f</DistanceMeters>
        <MaximumSpeed>%(max_speed).3f</MaximumSpeed>
        <Calories>%(kcal)d</Calories>
        <AverageHeartRateBpm>
          <Value>%(avg_hr)d</Value>
        </AverageHeartRateBpm>
        <MaximumHeartRateBpm>
          <Value>%(max_hr)d</Value>
        </MaximumHeartRateBpm>
        <Intensity>Active</Intensity>
        <TriggerMethod>Manual</TriggerMethod>
        <Track>
"""
_POINT = """          <Trackpoint>
            <Time>%sZ</Time>
            <Position>
              <LatitudeDegrees>%.7f</LatitudeDegrees>
              <LongitudeDegrees>%.7f</LongitudeDegrees>
            </Position>
            <AltitudeMeters>%.1f</AltitudeMeters>
            <DistanceMeters>%.1f</DistanceMeters>
            <HeartRateBpm>
              <Value>%d</Value>
            </HeartRateBpm>
            <Extensions>
              <ns3:TPX>
                <ns3:Speed>%.3f</ns3:Speed>
                <ns3:RunCadence>%d</ns3:RunCadence>
              </ns3:TPX>
            </Extensions>
          </Trackpoint>
"""
_TAIL = """        </Track>
        <Extensions>
          <ns3:LX>
            <ns3:AvgSpeed>%(avg_speed).3f</ns3:AvgSpeed>
            <ns3:AvgRunCadence>%(avg_cad)d</ns3:AvgRunCadence>
            <ns3:MaxRunCadence>%(max_cad)d</ns3:MaxRunCadence>
          </ns3:LX>
        </Extensions>
      </Lap>
    </Activity>
  </Activities>
</TrainingCenterDatabase>
"""


def lap_totals(a: SimActivity, weight_kg: float) -> dict[str, object]:
    """The lap's totals, time-weighted where it matters."""
    dt = np.diff(a.elapsed_s, prepend=a.elapsed_s[0])
    weights = dt if dt.sum() > 0 else None
    per_leg = a.cadence_spm / 2
    return {
        "start": a.start.strftime("%Y-%m-%dT%H:%M:%SZ"), "time": a.duration_s,
        "distance": float(a.distance_m[-1]), "max_speed": float(a.speed_mps.max()),
        "kcal": round(KCAL_PER_KG_KM * weight_kg * a.distance_km),
        "avg_hr": round(float(np.average(a.heart_rate_bpm, weights=weights))),
        "max_hr": int(a.heart_rate_bpm.max()),
        "avg_speed": float(a.distance_m[-1]) / max(a.duration_s, 1.0),
        "avg_cad": round(float(np.average(per_leg, weights=weights))),
        "max_cad": int(per_leg.max()),
    }


def tcx_bytes(a: SimActivity, weight_kg: float) -> bytes:
    """The activity as a TCX document."""
    rows = zip(sample_times(a), a.lat_deg.tolist(), a.lon_deg.tolist(), a.altitude_m.tolist(),
               a.distance_m.tolist(), a.heart_rate_bpm.astype(np.int64).tolist(),
               a.speed_mps.tolist(), (a.cadence_spm // 2).astype(np.int64).tolist(),
               strict=True)
    totals = lap_totals(a, weight_kg)
    body = "".join([_POINT % row for row in rows])
    return (_HEAD % totals + body + _TAIL % totals).encode("utf-8")
