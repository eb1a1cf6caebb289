"""Property-based API tests: schemathesis generates requests from /openapi.json and checks every answer.

Runs against the ASGI app over the demo store (no server), with the default checks:
no 5xx, responses conform to the documented schema and status codes, content types
documented. Routes that change data run with no key configured, so they answer 403.
"""

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is not installed")
pytest.importorskip("fastapi", reason="the API tests need the [api] extra")

from hypothesis import HealthCheck, given, settings  # noqa: E402

#: Generated requests per operation: enough to reach every parameter's edges, few enough for CI.
EXAMPLES = 25


def test_api_conforms_to_its_openapi(demo_app):
    schema = schemathesis.openapi.from_asgi("/openapi.json", demo_app)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, suppress_health_check=list(HealthCheck), deadline=None, database=None)
        def check(case):  # type: ignore[no-untyped-def]
            case.call_and_validate()

        try:
            check()
        except BaseException as err:  # noqa: B036 -- every operation is tried; all failures are reported together
            if isinstance(err, KeyboardInterrupt):
                raise
            failures[operation.label] = str(err)[:2000]
    assert operations >= 14
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
