"""Schemathesis against the partner API: generated requests, valid and not, for every operation of the
OpenAPI document. No answer is a server error, and every status and body is one the document describes.
Bounded: a fixed number of examples per operation, derandomized, no deadline."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from app.extensions import db
from tests import factories

EXAMPLES = 25


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_every_generated_request_as_documented(app, people, mode):
    """Valid requests are accepted as documented; invalid ones are refused with a documented 4xx."""
    _key, secret = factories.make_api_key(people["org_a"])
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6

    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            case.call_and_validate(headers=headers)

        answers_as_documented()
