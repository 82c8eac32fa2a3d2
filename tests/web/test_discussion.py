"""Discussion over HTTP: who sees what, posting and its refusals, moderation, unread markers, query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.models import AuditEvent, EmailMode, NotificationPreference, OutboxMessage, Post, PostReport, Role, Thread
from tests import factories
from tests.conftest import QueryCounter, csrf_token, login


def signed_in(app, user):
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def post(client, url, data=None):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, "/dashboard")})


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def rc(discussing_cohort):
    return discussing_cohort


# Who sees what ---------------------------------------------------------------------

def test_another_cohorts_or_organizations_thread_answers_404(rc, app, db, course):
    same_org_cohort = factories.make_cohort(course, rc["org"])
    other_org = factories.make_org()
    other_org_cohort = factories.make_cohort(course, other_org)
    outsider = factories.make_user(Role.TRAINEE, organization_id=other_org.id)
    factories.make_enrollment(other_org_cohort, outsider)
    threads = [factories.make_prompt_thread(c, 4) for c in (same_org_cohort, other_org_cohort)]
    posts = [factories.make_post(t, outsider) for t in threads]
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    for t, p in zip(threads, posts, strict=True):
        for url in (f"/threads/{t.id}", f"/posts/{p.id}", f"/posts/{p.id}/reply", f"/posts/{p.id}/report",
                    f"/cohorts/{t.cohort_id}/weeks/4/discussion"):
            assert client.get(url).status_code == 404, url
        assert post(client, f"/threads/{t.id}", {"body": "Hello"}).status_code == 404
        assert post(client, f"/posts/{p.id}/reply", {"body": "Hello"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 2
    # and the other way round
    assert signed_in(app, outsider).get(f"/threads/{rc['thread'].id}").status_code == 404


def test_a_locked_weeks_thread_is_hidden_from_trainees_but_not_staff(rc, app, db):
    week6 = factories.make_prompt_thread(rc["cohort"], 6)
    db.session.commit()
    assert signed_in(app, rc["trainee"]).get(f"/threads/{week6.id}").status_code == 404
    assert signed_in(app, rc["instructor"]).get(f"/threads/{week6.id}").status_code == 200
    page = signed_in(app, rc["trainee"]).get(f"/cohorts/{rc['cohort'].id}/weeks/6/discussion")
    assert page.status_code == 302 and page.headers["Location"].endswith("/weeks/6")


def test_the_prompt_thread_opens_when_someone_first_looks_after_the_week_opens(running_cohort, app, db):
    rc = running_cohort
    client = signed_in(app, rc["trainee"])
    week_page = text(client.get(f"/cohorts/{rc['cohort'].id}/weeks/2"))
    assert f'href="/cohorts/{rc["cohort"].id}/weeks/2/discussion"' in week_page
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 0
    page = text(client.get(f"/cohorts/{rc['cohort'].id}/weeks/2/discussion"))
    thread = db.session.scalar(sa.select(Thread))
    assert thread.week == 2 and thread.prompt is not None
    assert thread.title.replace("'", "&#39;") in page and "This week's prompt" in page
    assert "write an initial post of at least 150 words" in page  # what is left, for the trainee
    client.get(f"/cohorts/{rc['cohort'].id}/weeks/2/discussion")
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1
    signed_in(app, rc["instructor"]).get(f"/cohorts/{rc['cohort'].id}/weeks/7/discussion")
    assert db.session.scalar(sa.select(sa.func.count(Thread.id))) == 1  # week 7 is not open yet


def test_the_week_page_leads_with_answering_the_prompt(rc, app, db):
    """The prompt, its minimum words (from the course files) and due date, and an answer box come first;
    starting a thread is the secondary action. The form works without JavaScript."""
    client = signed_in(app, rc["trainee"])
    url = f"/cohorts/{rc['cohort'].id}/weeks/4/discussion"
    page = text(client.get(url))
    min_words = rc["course"].rules["discussion"]["initial_post_min_words"]
    assert "This week's prompt" in page and f"an answer of at least {min_words} words" in page
    assert "<strong>Due " in page and f'data-min-words="{min_words}"' in page
    answer_form = page.index(f'action="/threads/{rc["thread"].id}#compose"')
    assert answer_form < page.index("Other threads") < page.index(">Start a thread</a>")
    assert f'<a class="button" href="{url}/new">Start a thread</a>' in page  # not the primary button
    assert "js/word-count.js" in page
    post(client, f"/threads/{rc['thread'].id}", {"body": "word " * 20, "submit": "Post"})
    page = text(client.get(url))
    assert f"You answered this prompt (20 words: {min_words - 20} short of the minimum" in page
    assert "Read the answers and reply to classmates" in page and 'name="body"' not in page


# Posting ---------------------------------------------------------------------------

def test_trainees_post_reply_and_start_threads(rc, app, db):
    tid = rc["thread"].id
    tara, pat = signed_in(app, rc["trainee"]), signed_in(app, rc["peer"])
    response = post(tara, f"/threads/{tid}", {"body": "I trusted **Ms. Rivera** because she *listened*.",
                                               "submit": "Post"})
    assert response.status_code == 302
    first = db.session.scalar(sa.select(Post))
    page = text(pat.get(f"/threads/{tid}"))
    assert "<strong>Ms. Rivera</strong>" in page and "New" in page
    post(pat, f"/posts/{first.id}/reply", {"body": "Same for me.", "submit": "Post"})
    page = text(tara.get(f"/threads/{tid}"))
    assert 'class="replies"' in page and "Same for me." in page
    response = post(pat, f"/cohorts/{rc['cohort'].id}/weeks/4/discussion/new",
                    {"title": "Practice partners?", "body": "Anyone free Thursday?", "submit": "Start"})
    assert response.status_code == 302
    listing = text(tara.get(f"/cohorts/{rc['cohort'].id}/weeks/4/discussion"))
    assert "Practice partners?" in listing and "started by Pat Peer" in listing and "1 new" in listing


def test_preview_renders_without_posting(rc, app, db):
    client = signed_in(app, rc["trainee"])
    page = text(post(client, f"/threads/{rc['thread'].id}", {"body": "# Big\n\n<script>x()</script>*ok*",
                                                             "preview": "Preview"}))
    assert "Preview (not posted yet)" in page and "<em>ok</em>" in page and "<script>x()" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page  # the typed text stays in the box
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


@pytest.mark.parametrize("body, message", [
    ("   ", "Write something before posting."),
    ("x" * 20001, "A post can be at most 20,000 characters; yours has 20,001."),
])
def test_empty_or_oversized_posts_are_refused(rc, app, db, body, message):
    page = text(post(signed_in(app, rc["trainee"]), f"/threads/{rc['thread'].id}", {"body": body, "submit": "Post"}))
    assert message in page
    if body.strip():
        assert body in page
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_posting_to_a_locked_thread_is_refused_and_the_text_kept(rc, app, db):
    rc["thread"].locked = True
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    assert "This thread is locked" in text(client.get(f"/threads/{rc['thread'].id}"))
    page = text(post(client, f"/threads/{rc['thread'].id}", {"body": "My careful answer", "submit": "Post"}))
    assert "This thread is locked by an instructor" in page
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 0


def test_replying_under_a_hidden_post_is_refused_and_the_text_kept(rc, app, db):
    hidden = factories.make_post(rc["thread"], rc["peer"], hidden_at=utcnow())
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    page = text(post(client, f"/posts/{hidden.id}/reply", {"body": "My kept reply", "submit": "Post"}))
    assert "hidden by a moderator, so it cannot take replies" in page and "My kept reply" in page
    assert db.session.scalar(sa.select(sa.func.count(Post.id))) == 1


def test_edit_within_the_window_shows_edited_and_after_it_is_refused(rc, app, db):
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="Original words")
    old = factories.make_post(rc["thread"], rc["trainee"], body_md="Old words",
                              created_at=utcnow() - timedelta(minutes=31))
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    assert "Original words" in text(client.get(f"/posts/{mine.id}/edit"))
    post(client, f"/posts/{mine.id}/edit", {"body": "Better words", "submit": "Save", "version": 1})
    page = text(client.get(f"/threads/{rc['thread'].id}"))
    assert "Better words" in page and ">edited<" in page
    assert page.count(">Edit</a>") == 1  # only the recent post offers editing
    refused = text(post(client, f"/posts/{old.id}/edit", {"body": "Late rewrite", "submit": "Save", "version": 1}))
    assert "can be edited for 30 minutes after posting" in refused and "Late rewrite" in refused
    db.session.refresh(old)
    assert old.body_md == "Old words"
    assert post(signed_in(app, rc["peer"]), f"/posts/{mine.id}/edit", {"body": "x"}).status_code == 403


def _version_on(page: str) -> str:
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_two_tabs_editing_one_post_never_lose_a_version(rc, app, db):
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="First thoughts")
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    first_tab = _version_on(text(client.get(f"/posts/{mine.id}/edit")))
    second_tab = _version_on(text(client.get(f"/posts/{mine.id}/edit")))
    saved = post(client, f"/posts/{mine.id}/edit", {"body": "Written in the first tab", "version": first_tab})
    assert saved.status_code == 302
    clash = post(client, f"/posts/{mine.id}/edit", {"body": "Written in the second tab", "version": second_tab})
    page = text(clash)
    assert clash.status_code == 200 and "changed after you opened it" in page
    assert "Written in the first tab" in page and "Written in the second tab" in page  # both, side by side
    db.session.refresh(mine)
    assert mine.body_md == "Written in the first tab"
    # saving again from the page that showed both is a deliberate choice, and it stands
    again = post(client, f"/posts/{mine.id}/edit", {"body": "Merged from both tabs", "version": _version_on(page)})
    assert again.status_code == 302
    db.session.refresh(mine)
    assert mine.body_md == "Merged from both tabs" and mine.version == 3


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999"])
def test_a_missing_or_forged_version_is_refused_plainly(rc, app, db, version):
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="Steady text")
    db.session.commit()
    answer = post(signed_in(app, rc["trainee"]), f"/posts/{mine.id}/edit", {"body": "New text", "version": version})
    assert answer.status_code in (200, 400)
    db.session.refresh(mine)
    assert mine.body_md == "Steady text"


def test_delete_asks_first_then_keeps_the_place(rc, app, db):
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="Too personal")
    factories.make_post(rc["thread"], rc["peer"], parent=mine, body_md="A kind reply")
    db.session.commit()
    client = signed_in(app, rc["trainee"])
    assert "Delete your post?" in text(client.get(f"/posts/{mine.id}/delete"))
    post(client, f"/posts/{mine.id}/delete")
    page = text(client.get(f"/threads/{rc['thread'].id}"))
    assert "Too personal" not in page and "This post was deleted by its author." in page and "A kind reply" in page


# Moderation --------------------------------------------------------------------------

def test_a_report_reaches_the_queue_and_hiding_it_is_audited(rc, app, db):
    bad = factories.make_post(rc["thread"], rc["peer"], body_md="Client Jane Doe at 12 Elm St")
    db.session.commit()
    tara = signed_in(app, rc["trainee"])
    refused = text(post(tara, f"/posts/{bad.id}/report", {"reason": ""}))
    assert "Say briefly why" in refused
    post(tara, f"/posts/{bad.id}/report", {"reason": "Identifies a client"})
    teacher = signed_in(app, rc["instructor"])
    assert "1 report waiting" in text(teacher.get(f"/cohorts/{rc['cohort'].id}/weeks/4/discussion"))
    queue = text(teacher.get(f"/cohorts/{rc['cohort'].id}/discussion/reports"))
    assert "Identifies a client" in queue and "Tara Trainee" in queue
    assert tara.get(f"/cohorts/{rc['cohort'].id}/discussion/reports").status_code == 403
    assert post(tara, f"/posts/{bad.id}/moderate", {"action": "hide"}).status_code == 403
    post(teacher, f"/posts/{bad.id}/moderate", {"action": "hide", "back": "queue"})
    assert "No reports waiting" in text(teacher.get(f"/cohorts/{rc['cohort'].id}/discussion/reports"))
    page = text(tara.get(f"/threads/{rc['thread'].id}"))
    assert "Jane Doe" not in page and "This post was hidden by a moderator." in page
    assert "Jane Doe" in text(teacher.get(f"/threads/{rc['thread'].id}"))  # moderators still see it
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "discussion.post_hide"))
    assert event.actor_id == rc["instructor"].id and event.object_id == str(bad.id)
    assert db.session.scalar(sa.select(PostReport)).resolution == "hidden"


def test_instructors_pin_and_lock_threads(rc, app, db):
    teacher = signed_in(app, rc["instructor"])
    own = factories.make_thread(rc["cohort"], 4, title="Housekeeping")
    db.session.commit()
    post(teacher, f"/threads/{own.id}/moderate", {"action": "pin"})
    post(teacher, f"/threads/{own.id}/moderate", {"action": "lock"})
    db.session.refresh(own)
    assert own.pinned and own.locked
    page = text(signed_in(app, rc["trainee"]).get(f"/threads/{own.id}"))
    assert "Locked" in page and "Add a post" not in page
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id))] == [
        "discussion.thread_pin", "discussion.thread_lock"]


# Notifications ----------------------------------------------------------------------

def test_a_reply_shows_in_the_nav_count_and_notifications_page(rc, app, db):
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="Mine")
    db.session.commit()
    post(signed_in(app, rc["peer"]), f"/posts/{mine.id}/reply", {"body": "Hi @Tara", "submit": "Post"})
    tara = signed_in(app, rc["trainee"])
    dashboard = text(tara.get("/dashboard"))
    assert 'Notifications <span class="count">1<span class="visually-hidden"> unread</span>' in dashboard
    page = text(tara.get("/notifications"))
    assert "Pat Peer replied to your post" in page
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == rc["trainee"].email))
    assert "Pat Peer replied to your post" in mail.subject and "/posts/" in mail.body
    tara.get(f"/threads/{rc['thread'].id}")
    assert 'class="count"' not in text(tara.get("/dashboard"))


def test_preferences_are_saved_and_the_digest_command_sends_them(rc, app, db, runner):
    tara = signed_in(app, rc["trainee"])
    post(tara, "/account/notifications", {"replies": "y", "followed": "y", "email_mode": "daily"})
    prefs = db.session.scalar(sa.select(NotificationPreference))
    assert (prefs.replies, prefs.mentions, prefs.email_mode) == (True, False, EmailMode.DAILY)
    assert re.search(r'<input checked[^>]*value="daily"', text(tara.get("/account/notifications")))
    mine = factories.make_post(rc["thread"], rc["trainee"], body_md="Mine")
    db.session.commit()
    post(signed_in(app, rc["peer"]), f"/posts/{mine.id}/reply", {"body": "Reply", "submit": "Post"})
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    result = runner.invoke(args=["discuss", "digest"])
    assert result.exit_code == 0 and "1 digest queued." in result.output
    digest = db.session.scalar(sa.select(OutboxMessage))
    assert digest.to_address == rc["trainee"].email and f"{app.config['PUBLIC_BASE_URL']}/posts/" in digest.body
    assert "0 digests queued." in runner.invoke(args=["discuss", "digest"]).output
    # the digest carries a one-click unsubscribe link (RFC 8058) on the public address
    assert digest.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.fullmatch(r"<(.+)>", digest.headers["List-Unsubscribe"]).group(1)
    assert link.startswith(f"{app.config['PUBLIC_BASE_URL']}/unsubscribe/")
    path = link.removeprefix(app.config["PUBLIC_BASE_URL"])
    mail_provider = app.test_client()  # no session, no form: as a mail provider's one-click POST arrives
    asked = text(mail_provider.get(path))
    assert "Stop notification email" in asked
    db.session.refresh(prefs)
    assert prefs.email_mode is EmailMode.DAILY  # opening the link changes nothing
    assert mail_provider.post(path + "x").status_code == 404  # a forged token
    done = mail_provider.post(path)
    assert done.status_code == 200 and "gets no more notification email" in text(done)
    db.session.refresh(prefs)
    assert prefs.email_mode is EmailMode.OFF
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.action == "notifications.unsubscribed"))
    another = factories.make_post(rc["thread"], rc["trainee"], body_md="Another of mine")
    db.session.commit()
    post(signed_in(app, rc["peer"]), f"/posts/{another.id}/reply", {"body": "Reply again", "submit": "Post"})
    assert "0 digests queued." in runner.invoke(args=["discuss", "digest"]).output


# Pages stay fast ---------------------------------------------------------------------

def _thread_queries(app, db, user, thread) -> int:
    client = signed_in(app, user)
    client.get(f"/threads/{thread.id}")  # first visit writes the read marker
    with QueryCounter(db.engine) as qc:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    return qc.count


def test_a_thread_page_takes_the_same_queries_for_few_or_many_posts(rc, app, db):
    thread = rc["thread"]
    people = [rc["trainee"], rc["peer"], rc["instructor"]]
    for i in range(2):
        factories.make_post(thread, people[i % 3], parent=factories.make_post(thread, people[(i + 1) % 3]))
    db.session.commit()
    few = _thread_queries(app, db, rc["trainee"], thread)
    for i in range(40):
        top = factories.make_post(thread, people[i % 3])
        for j in range(3):
            factories.make_post(thread, people[(i + j) % 3], parent=top)
    db.session.commit()
    many = _thread_queries(app, db, rc["trainee"], thread)
    assert many == few
    page2 = text(signed_in(app, rc["trainee"]).get(f"/threads/{thread.id}?page=2"))
    assert "Page 2 of 3" in page2
