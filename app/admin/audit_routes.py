"""The audit log: read and export only. There is no edit or delete route, by design."""

from __future__ import annotations

from flask import Response, current_app, render_template, request

from app import policy
from app.admin import queries
from app.admin.export import audit_csv
from app.admin.forms import AuditFilterForm
from app.admin.routes import bp
from app.db import utcnow
from app.extensions import db
from app.guards import guard
from app.inputs import page_number


def _filter() -> tuple[AuditFilterForm, queries.AuditFilter]:
    actions, types = queries.audit_choices()
    form = AuditFilterForm(request.args, actions=actions, object_types=types)
    if not form.validate():
        return form, queries.AuditFilter()  # an invalid filter shows its errors and the unfiltered log
    return form, queries.AuditFilter(actor=form.actor.data or "", action=form.action.data or "",
                                     object_type=form.object_type.data or "", object_id=form.object_id.data or "",
                                     date_from=form.date_from.data, date_to=form.date_to.data)


@bp.get("/audit")
@guard(policy.can_administer)
def audit():
    form, f = _filter()
    page = db.paginate(queries.audit_query(f), page=request.args.get("page", 1, type=page_number), per_page=50,
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, page=page, args=args)


@bp.get("/audit.csv")
@guard(policy.can_administer)
def audit_export():
    _, f = _filter()
    name = f"audit-log-{utcnow():%Y%m%d-%H%M}.csv"
    app = current_app._get_current_object()
    return Response(audit_csv(queries.audit_query(f), context=app.app_context), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
