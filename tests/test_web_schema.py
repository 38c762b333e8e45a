"""schemathesis runs the OpenAPI document against the app: no server error, and every
response matches what the document says (status, content type, headers, body schema).

Examples are bounded (``max_examples``, derandomized): the routes that take a second or more
per call (tension, regions, breakpoints, completeness, whole panels) run their documented
examples only, the rest are fuzzed with 20. Effects, event study, trends and the whole brief
take seconds to minutes each; ``tests/test_web_api.py`` calls each once and checks its
envelope.

One check is left out: ``positive_data_acceptance`` wants every schema-valid request to
succeed, but some rules span parameters or the data and JSON Schema cannot state them for
query parameters (``from`` after ``to``; a well-formed name that is no country; a category
SIPRI does not have; a year the data do not reach). Those get a 400/404 problem document,
which the other checks validate against the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from defdip.web import create_app

HEAVY = r"^/api/v1/(tension|regions|breakpoints|completeness)|^/api/v1/panels/\{unit\}$"
# Each takes seconds to minutes on a busy machine; tests/test_web_api.py runs them once.
SLOWEST = r"^/api/v1/(effects|event-study|trends|briefs)"
# The multi-user record's routes (mounted from defdip.web.records_api) answer only with the
# record in PostgreSQL; tests/test_records_api_fuzz.py runs schemathesis on them there, as
# each role.
RECORD = r"^/api/v1/(entries|auth|audit|desks)(/|$)"
# The document is the app's own; the store it serves is set once the session's store is
# built (the routes and the middleware read app.state.store on every request).
APP = create_app("/nonexistent/defdip.duckdb")
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _serve_the_built_store(built_store):
    APP.state.store = built_store.path


@schema.exclude(path_regex=HEAVY).exclude(path_regex=SLOWEST).exclude(
    path_regex=RECORD).parametrize()
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_fuzzed(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance], timeout=120)


@schema.include(path_regex=HEAVY).parametrize()
@settings(max_examples=1, deadline=None, phases=[Phase.explicit],
          suppress_health_check=list(HealthCheck))
def test_heavy_api_examples(case):
    case.call_and_validate(excluded_checks=[positive_data_acceptance], timeout=300)
