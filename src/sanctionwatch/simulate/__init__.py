"""Scenario simulator: realistic synthetic AIS over the Yellow Sea, Korea Bay and the
seas around the DPRK, with planted ground truth.

>>> scenario = simulate(seed=7, vessels=40, days=7)             # doctest: +SKIP
>>> scenario.positions.num_rows, len(scenario.truth["events"])   # doctest: +SKIP
>>> write_scenario(Path("big"), vessels=3000, days=14)            # doctest: +SKIP

``simulate`` holds the scenario in memory; ``write_scenario`` writes the same files
a day of positions at a time, for scenarios of any size. Planted counts grow with
the fleet up to 400 vessels, then with its square root; once a transfer area has no
room left, a meeting place is reused at times a day or more apart.

Ships follow real sea routes (``searoute``, checked against the land polygons)
between real ports; tankers, cargo ships, DPRK-flagged tankers (the designated ones
under their real names and IMOs) and flag-of-convenience tankers. Reports are
terrestrial (every 0.1-1.9 x ``report_interval_s``) or satellite-only (10-45 min),
with dropped messages, short outages, GPS jitter, speed glitches while stopped, the
noise speed 102.3 kn and the odd wild position. In every third offshore meeting one
ship shares its MMSI with a twin far away.

``truth.json``::

    {"seed", "start", "end",                      # ISO 8601 UTC, "...Z"
     "vessels": [{"mmsi", "imo", "name", "call_sign", "flag", "ship_type", "role"}],
     "events":  [{"type", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "details"}],
     "decoys":  [{"kind", "must_not", "mmsi", "other_mmsi", "start", "end", "lat", "lon", "details"}],
     "areas":   [area ids of regime/data/areas.geojson used for geofence truth],
     "rules":   {the thresholds the truth follows}}

Events (every one the scenario contains, so precision can be measured):

* ``encounter``: planted meetings, one record per pair with ``mmsi < other_mmsi``;
  start/end = both ships on station (the later arrival to the earlier departure);
  details ``area`` (transfer area id or ``nampo_approach``), ``sts``, ``near_port``
  (< 10 km from a port point), ``port``, ``separation_m``, ``giver``, ``receiver``,
  ``dprk``. The receiver's draught rises and the giver's falls in ``static`` 0.3-1.5 h
  after its stay.
* ``loitering``: every stay of 4 h or more at sea more than 10 km from any port
  (planted drifters, both ships of each offshore meeting, ships drifting apart).
* ``gap``: start/end are the timestamps of the last report before and the first after
  the silence (both present in the positions); details ``duration_h``,
  ``distance_nm``, ``implied_speed_kn``, ``on_lat``/``on_lon`` (where it reappeared),
  ``likely_deliberate`` (>= 12 h; every planted gap starts offshore, at sea for 1 h).
  No other silence of 6 h or more exists.
* ``port_visit``: from the true track at 60 s steps, entry within 3 km of a port
  point of regime/data/ports.yaml, exit beyond 4 km; lat/lon = the port point;
  details ``port``, ``country``, ``dprk``, ``min_distance_m``, ``ongoing_at_start``,
  ``ongoing_at_end``.
* ``geofence``: every stay inside an area of ``regime.areas.load_areas()`` on the
  true track at 60 s steps; details ``area``, ``kind``, ``entered`` (False when
  already inside at the start), ``ongoing_at_end``.
* ``identity_change``: details ``kind`` = ``rename`` (one MMSI, new name, IMO and
  call sign; start = end = first static row with the new identity), ``flag_hop``
  (one IMO moves to a new MMSI of another flag; ``mmsi`` is the new one,
  ``other_mmsi`` the old; start = end = the first report of the new MMSI) or
  ``invalid_imo`` (an IMO with a wrong check digit, at the first report) or
  ``shared_mmsi`` (a twin far away broadcasts the MMSI and identity of a ship seen
  only by satellite, densely and through the whole scenario; start/end = while both
  broadcast; details ``min_distance_km``).
* ``spoofing``: a run of at least 3 false reports (``kind`` ``on_land``: all on land
  inland; ``jump``: displaced 300-600 km), start/end = first/last false report;
  details ``positions``, ``on_land``, ``jump_km``, ``implied_speed_kn`` of the jump in.

Events and decoys made by a twin carry ``details.twin`` = true.

Decoys (each must not produce an event of type ``must_not``):
``fast_pass`` (within 120-380 m at service speed, start/end +-10 min around the
pass), ``short_meeting`` (together < 1.2 h offshore), ``port_anchorage`` (within
500 m of each other for 6-20 h inside 3 km of a port point), ``drifting_alone`` and
``apart_drift`` (1.2-3 km apart) for encounters; ``short_outage`` (3-5 h silence
while sailing) for gaps; ``wild_position`` (one report 200-800 km off) for spoofing.
"""

from .config import SimulationConfig
from .emit import CLEAN, SPOOFED, WILD
from .scenario import Scenario, WrittenScenario, simulate, write_scenario

__all__ = [
    "CLEAN",
    "SPOOFED",
    "WILD",
    "Scenario",
    "SimulationConfig",
    "WrittenScenario",
    "simulate",
    "write_scenario",
]
