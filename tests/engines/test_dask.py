import pytest

from sanctionwatch.engines.config import EngineConfig
from sanctionwatch.engines.local import run_local

distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_dask_local_cluster_gives_the_local_engine_events(scenario, context):
    from sanctionwatch.engines.dask import run_dask

    pos, static, _ = scenario
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_dask(pos, static, context=context, engine=EngineConfig(workers=2), client=client)
    local = run_local(pos, static, context=context, engine=EngineConfig(workers=1))
    assert local.num_rows > 0
    assert on_dask.equals(local)


def test_unreachable_scheduler_is_a_clear_error(scenario, context):
    from sanctionwatch.engines.dask import run_dask
    from sanctionwatch.exc import NetworkError

    pos, static, _ = scenario
    with pytest.raises(NetworkError, match="scheduler"):
        run_dask(
            pos.slice(0, 10),
            static,
            scheduler="tcp://127.0.0.1:1",
            context=context,
            engine=EngineConfig(scheduler_timeout_s=1),
        )
