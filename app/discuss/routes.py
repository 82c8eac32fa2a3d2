"""Discussion: a week's threads, a thread's posts and replies, moderation, notifications."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import inbox, policy
from app.db import utcnow
from app.discuss import notify, services
from app.discuss.forms import EditPostForm, PostForm, PreferencesForm, ReportForm, ThreadForm
from app.discuss.loading import load_discussion, load_post, load_thread
from app.discuss.prompt import prompt_cards
from app.discuss.services import DiscussionRefused
from app.extensions import db
from app.forms import ActionForm
from app.guards import authorize, guard
from app.inputs import page_number
from app.learn.loading import load_cohort
from app.learn.progress import trainee_progress
from app.models import EmailMode

bp = Blueprint("discuss", __name__, template_folder="templates")


def _post_url(post) -> str:
    return url_for("discuss.goto_post", post_id=post.id, _external=True)


def _publishing() -> dict:
    cfg = current_app.config
    return {"max_chars": cfg["DISCUSSION_POST_MAX_CHARS"], "mail_backend": cfg["MAIL_BACKEND"],
            "link_for": _post_url}


def _thread_redirect(post):
    return redirect(url_for("discuss.goto_post", post_id=post.id))


def _run(action, success: str | None = None):
    """Call a service: commit and flash `success` (or what the service returned) and return its result;
    on a refusal roll back, flash the reason and return None, so the view re-renders what was typed."""
    try:
        result = action()
    except DiscussionRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return None
    db.session.commit()
    flash(success or result, "success")
    return result


@bp.get("/cohorts/<int:cohort_id>/weeks/<int:week>/discussion")
@guard(policy.signed_in)
def week(cohort_id: int, week: int):
    ctx = load_discussion(cohort_id, week)
    if not ctx.is_open and not policy.can_teach(current_user, ctx.cohort):
        return redirect(url_for("learn.week", cohort_id=cohort_id, week=week))
    if ctx.is_open and services.open_prompt_threads(ctx.cohort, ctx.module):
        db.session.commit()  # the first look after the week opened (issue 17: this write belongs elsewhere)
    rows = services.list_threads(ctx.cohort, week, current_user)
    mine, due = None, None
    if ctx.enrolled:
        progress = trainee_progress(current_user, ctx.cohort)
        status = progress.discussion_status(week)
        mine, due = ([status] if status else []), (progress.records.due if progress.records else None)
    prompts = prompt_cards(ctx.cohort, week, rows, current_user, due)
    reports = services.open_report_count(ctx.cohort) if policy.can_moderate(current_user, ctx.cohort) else None
    return render_template("discuss/week.html", ctx=ctx, prompts=prompts, mine=mine, reports=reports,
                           rows=[r for r in rows if not r.thread.is_prompt])


@bp.route("/cohorts/<int:cohort_id>/weeks/<int:week>/discussion/new", methods=["GET", "POST"])
@guard(policy.signed_in)
def new_thread(cohort_id: int, week: int):
    ctx = load_discussion(cohort_id, week)
    authorize(policy.can_post(current_user, ctx.cohort, is_enrolled=ctx.enrolled)
              and (ctx.is_open or policy.can_teach(current_user, ctx.cohort)))
    form = ThreadForm()
    if form.validate_on_submit() and not form.wants_preview:
        post = _run(lambda: notify.publish_thread(ctx.cohort, week, author=current_user, title=form.title.data,
                                                  body=form.body.data, **_publishing()), "Thread started.")
        if post:
            return _thread_redirect(post)
    return render_template("discuss/compose.html", form=form, heading=f"Start a thread in week {week}",
                           cancel=url_for("discuss.week", cohort_id=cohort_id, week=week), ctx=ctx,
                           cohort=ctx.cohort, week=week)


@bp.route("/threads/<int:thread_id>", methods=["GET", "POST"])
@guard(policy.signed_in)
def thread(thread_id: int):
    ctx = load_thread(thread_id)
    form = PostForm()
    if request.method == "POST":
        authorize(ctx.can_post)
        if form.validate_on_submit() and not form.wants_preview:
            post = _run(lambda: notify.publish(ctx.thread, ctx.cohort, author=current_user, body=form.body.data,
                                               **_publishing()), "Posted.")
            if post:
                return _thread_redirect(post)
    number, per_page = request.args.get("page", 1, type=page_number), current_app.config["DISCUSSION_PAGE_SIZE"]
    page = services.thread_page(ctx.thread, number, per_page)
    seen, following = services.reader_state(ctx.thread, current_user)
    services.mark_read(ctx.thread, current_user, page.newest_id, seen)
    notify.mark_thread_read(current_user, ctx.thread)
    window = current_app.config["DISCUSSION_EDIT_MINUTES"]
    body = render_template("discuss/thread.html", ctx=ctx, page=page, form=form, seen=seen,
                           following=following, action_form=ActionForm(),
                           edit_cutoff=utcnow() - timedelta(minutes=window), window=window)
    db.session.commit()  # after rendering: a commit expires what the page loaded, which would load it again
    return body


@bp.get("/posts/<int:post_id>")
@guard(policy.signed_in)
def goto_post(post_id: int):
    post, ctx = load_post(post_id)
    page = services.page_of(post, current_app.config["DISCUSSION_PAGE_SIZE"])
    return redirect(url_for("discuss.thread", thread_id=ctx.thread.id, page=page if page > 1 else None)
                    + f"#post-{post.id}")


@bp.route("/posts/<int:post_id>/reply", methods=["GET", "POST"])
@guard(policy.signed_in)
def reply(post_id: int):
    parent, ctx = load_post(post_id)
    authorize(ctx.can_post)
    form = PostForm()
    if form.validate_on_submit() and not form.wants_preview:
        post = _run(lambda: notify.publish(ctx.thread, ctx.cohort, author=current_user, body=form.body.data,
                                           parent=parent, **_publishing()), "Reply posted.")
        if post:
            return _thread_redirect(post)
    return render_template("discuss/compose.html", form=form, heading=f"Reply to {parent.author.name}",
                           context_post=parent, cancel=url_for("discuss.goto_post", post_id=parent.id),
                           cohort=ctx.cohort, thread=ctx.thread, submit_label="Post reply")


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@guard(policy.signed_in)
def edit_post(post_id: int):
    post, ctx = load_post(post_id)
    authorize(policy.is_author(current_user, post))
    form = EditPostForm(data={"body": post.body_md, "version": post.version} if request.method == "GET" else None)
    cfg = current_app.config
    saved_first = None
    if form.validate_on_submit() and not form.wants_preview:
        try:
            if _run(lambda: services.edit_post(post, editor=current_user, body=form.body.data,
                                               window_minutes=cfg["DISCUSSION_EDIT_MINUTES"],
                                               max_chars=cfg["DISCUSSION_POST_MAX_CHARS"],
                                               version=form.version.data), "Your changes are saved."):
                return _thread_redirect(post)
        except services.PostChanged as exc:
            db.session.rollback()
            flash(str(exc), "error")
            saved_first = exc.saved_body
            # saving again now means: my text replaces the version shown above it
            form.version.data, form.version.raw_data = exc.saved_version, [str(exc.saved_version)]
    return render_template("discuss/compose.html", form=form, heading="Edit your post", saved_first=saved_first,
                           cancel=url_for("discuss.goto_post", post_id=post.id), cohort=ctx.cohort,
                           thread=ctx.thread, submit_label="Save changes")


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
@guard(policy.signed_in)
def delete_post(post_id: int):
    post, ctx = load_post(post_id)
    authorize(policy.is_author(current_user, post))
    form = ActionForm()
    if form.validate_on_submit():
        services.delete_post(post, actor=current_user)
        db.session.commit()
        flash("Your post was deleted. Its place in the thread stays, so replies still make sense.", "success")
        return _thread_redirect(post)
    return render_template("discuss/delete.html", post=post, ctx=ctx, form=form)


@bp.route("/posts/<int:post_id>/report", methods=["GET", "POST"])
@guard(policy.signed_in)
def report_post(post_id: int):
    post, ctx = load_post(post_id)
    form = ReportForm()
    if form.validate_on_submit() and _run(
            lambda: services.report_post(post, reporter=current_user, reason=form.reason.data),
            "Thank you. The cohort's instructors will look at this post."):
        return _thread_redirect(post)
    return render_template("discuss/report.html", post=post, ctx=ctx, form=form)


@bp.post("/posts/<int:post_id>/moderate")
@guard(policy.signed_in)
def moderate_post(post_id: int):
    post, ctx = load_post(post_id)
    authorize(ctx.can_moderate)
    if ActionForm().validate_on_submit():
        _run(lambda: services.moderate_post(post, request.form.get("action", ""), actor=current_user))
    if request.form.get("back") == "queue":
        return redirect(url_for("discuss.queue", cohort_id=ctx.cohort.id))
    return _thread_redirect(post)


@bp.post("/threads/<int:thread_id>/moderate")
@guard(policy.signed_in)
def moderate_thread(thread_id: int):
    ctx = load_thread(thread_id)
    authorize(ctx.can_moderate)
    if ActionForm().validate_on_submit():
        _run(lambda: services.moderate_thread(ctx.thread, request.form.get("action", ""), actor=current_user))
    return redirect(url_for("discuss.thread", thread_id=thread_id))


@bp.post("/threads/<int:thread_id>/follow")
@guard(policy.signed_in)
def follow(thread_id: int):
    ctx = load_thread(thread_id)
    if ActionForm().validate_on_submit():
        following = services.toggle_follow(ctx.thread, current_user)
        db.session.commit()
        flash("You follow this thread: new posts appear in your notifications." if following
              else "You no longer follow this thread.", "success")
    return redirect(url_for("discuss.thread", thread_id=thread_id))


@bp.get("/cohorts/<int:cohort_id>/discussion/reports")
@guard(policy.signed_in)
def queue(cohort_id: int):
    cohort, _enrolled = load_cohort(cohort_id)
    authorize(policy.can_moderate(current_user, cohort))
    return render_template("discuss/queue.html", cohort=cohort, reports=services.open_reports(cohort),
                           form=ActionForm())


@bp.get("/notifications")
@guard(policy.signed_in)
def notifications():
    page = inbox.page_of(current_user, request.args.get("page", 1, type=page_number))
    return render_template("discuss/notifications.html", inbox=page, form=ActionForm())


@bp.post("/notifications/read")
@guard(policy.signed_in)
def read_notifications():
    if ActionForm().validate_on_submit():
        inbox.mark_all_read(current_user)
        db.session.commit()
        flash("All notifications marked as read.", "success")
    return redirect(url_for("discuss.notifications"))


@bp.route("/account/notifications", methods=["GET", "POST"])
@guard(policy.signed_in)
def preferences():
    prefs = notify.preferences(current_user)
    form = PreferencesForm(obj=prefs if request.method == "GET" else None)
    if request.method == "GET":
        form.email_mode.data = prefs.email_mode.value
    if form.validate_on_submit():
        notify.save_preferences(current_user, replies=form.replies.data, mentions=form.mentions.data,
                                followed=form.followed.data, email_mode=EmailMode(form.email_mode.data))
        db.session.commit()
        flash("Notification preferences saved.", "success")
        return redirect(url_for("discuss.preferences"))
    return render_template("discuss/preferences.html", form=form)
