"""Each role of a role-play reads only its own brief; the cohort's instructors read all of them."""

from __future__ import annotations

import pytest

from tests.web.test_roleplay import signed_in

#: a line from each role's brief in the week 6 scenario (courses/therapeutic-mentoring)
MARKERS = {
    "practitioner": "Notice and regulate yourself first.",
    "recipient": "Background only you know:",
    "observer": "Note the time of each red flag",
}


def page(client, rc, query=""):
    response = client.get(f"/cohorts/{rc['cohort'].id}/weeks/6/role-play{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", sorted(MARKERS))
def test_a_trainee_reads_only_the_brief_of_the_role_they_play(app, roleplay_cohort, db, role):
    text = page(signed_in(app, roleplay_cohort["trainee"]), roleplay_cohort, f"?role={role}")
    assert "Your brief:" in text
    for other, marker in MARKERS.items():
        assert (marker in text) is (other == role), other


def test_before_choosing_a_role_a_trainee_sees_the_setting_and_no_brief(app, roleplay_cohort, db):
    client = signed_in(app, roleplay_cohort["trainee"])
    for query in ("", "?role=instructor", "?role=", "?role=RECIPIENT"):
        text = page(client, roleplay_cohort, query)
        assert "Which role are you playing?" in text and "What the mentor knows:" in text
        assert "About 15 minutes a turn; 3 turns in the 55-minute lab" in text
        assert not any(marker in text for marker in MARKERS.values())
    assert 'href="/cohorts/{}/weeks/6/role-play?role=recipient"'.format(roleplay_cohort["cohort"].id) in text


def test_the_instructor_reads_every_brief(app, roleplay_cohort, db):
    text = page(signed_in(app, roleplay_cohort["instructor"]), roleplay_cohort)
    assert all(marker in text for marker in MARKERS.values())
    assert "Which role are you playing?" not in text
