import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sanctionwatch.events.spatial import pairs_within, self_pairs_within, xyz_m

points = st.lists(st.tuples(st.floats(-80, 80), st.floats(-180, 180), st.integers(0, 3)), min_size=1, max_size=60)


def brute(lat, lon, group, radius_m):
    xyz = xyz_m(lat, lon)
    d = np.sqrt(((xyz[:, None, :] - xyz[None, :, :]) ** 2).sum(axis=2))
    same = group[:, None] == group[None, :]
    i, j = np.nonzero((d <= radius_m) & same & np.triu(np.ones_like(same), 1))
    return {(int(a), int(b)) for a, b in zip(i, j)}


@settings(max_examples=60, deadline=None)
@given(points, st.sampled_from([500.0, 2000.0, 50_000.0]))
def test_self_pairs_equal_brute_force(pts, radius_m):
    # Cluster half the points around the first so that close pairs exist.
    lat = np.array([p[0] for p in pts])
    lon = np.array([p[1] for p in pts])
    lat[::2] = lat[0] + (np.arange(len(lat[::2])) % 5) * 0.002
    lon[::2] = lon[0] + (np.arange(len(lon[::2])) % 3) * 0.002
    group = np.array([p[2] for p in pts])
    i, j, _ = self_pairs_within(xyz_m(lat, lon), radius_m=radius_m, cell_m=2000.0, group=group)
    got = {(int(min(a, b)), int(max(a, b))) for a, b in zip(i, j)}
    assert got == brute(lat, lon, group, radius_m)
    assert len(got) == len(i)  # each pair once


@settings(max_examples=40, deadline=None)
@given(points, points)
def test_pairs_within_equals_brute_force_both_paths(a, b):
    la = np.array([p[0] for p in a])
    oa = np.array([p[1] for p in a])
    lb = np.array([p[0] for p in b])[:2]  # few b points: the spread path
    ob = np.array([p[1] for p in b])[:2]
    la[::2], oa[::2] = lb[0] + 0.01, ob[0] - 0.01
    la, oa = np.resize(la, 200), np.resize(oa, 200)  # many a points: 2 b points take the spread path
    for b_lat, b_lon in ((lb, ob), (np.resize(lb, 40), np.resize(ob, 40))):
        i, j, _ = pairs_within(xyz_m(la, oa), xyz_m(b_lat, b_lon), radius_m=5000.0)
        xa, xb = xyz_m(la, oa), xyz_m(b_lat, b_lon)
        d = np.sqrt(((xa[:, None, :] - xb[None, :, :]) ** 2).sum(axis=2))
        assert set(zip(i.tolist(), j.tolist())) == set(zip(*[x.tolist() for x in np.nonzero(d <= 5000.0)]))
