"""Plain-data views of compiled catalog objects, for `catalog … --json`, the docs and the server."""

from __future__ import annotations

from datetime import date
from typing import Any

from forms.expressions import Expression
from forms.fields import to_json
from forms.model import Catalog, DeadlineRule, DocumentRequirement, Field, Service


def _expr(value: bool | Expression | None) -> Any:
    return value.source if isinstance(value, Expression) else value


def field_to_dict(f: Field) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f.id, "kind": f.kind.value, "label": f.label, "required": _expr(f.required)}
    optional = {
        "hint": f.hint or None,
        "visible_if": _expr(f.visible_if),
        "default": f.default,
        "min_length": f.min_length,
        "max_length": f.max_length,
        "pattern": f.pattern,
        "mask": f.mask,
        "min": to_json(f.min),
        "max": to_json(f.max),
        "places": f.places,
        "past_only": f.past_only or None,
        "future_only": f.future_only or None,
        "options": [{"value": o.value, "label": o.label} for o in f.options] or None,
        "depends_on": f.depends_on,
        "options_by": {k: [{"value": o.value, "label": o.label} for o in v] for k, v in f.options_by.items()}
        or None,
        "length": f.inn_length,
        "kinds": list(f.document_kinds) or None,
        "min_items": f.min_items or None,
        "max_items": f.max_items,
        "item_label": f.item_label or None,
        "fields": [field_to_dict(s) for s in f.fields] or None,
        "rules": [
            {
                "id": r.id,
                "check": r.check.source,
                "message": r.message,
                "field": r.field,
                "severity": r.severity.value,
            }
            for r in f.rules
        ]
        or None,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    return out


def deadline_to_dict(rule: DeadlineRule) -> dict[str, Any]:
    return {"unit": rule.unit.value, "amount": rule.amount, "text": rule.describe(), "when": _expr(rule.when)}


def fee_summary(catalog: Catalog, service: Service, on: date) -> list[dict[str, Any]]:
    rows = []
    for rule in service.fee:
        tariff = catalog.tariffs[rule.tariff]
        amount = tariff.amount_on(on)
        rows.append(
            {
                "tariff": tariff.id,
                "title": tariff.title,
                "amount": to_json(amount),
                "when": _expr(rule.when),
                "times": _expr(rule.times),
            }
        )
    return rows


def document_to_dict(catalog: Catalog, req: DocumentRequirement) -> dict[str, Any]:
    return {
        "doc": req.doc,
        "name": catalog.documents[req.doc].name,
        "originals": req.originals,
        "copies": req.copies,
        "required": _expr(req.required),
        "when": _expr(req.when),
        "by_request": req.by_request,
        "note": req.note or None,
    }


def service_summary(catalog: Catalog, service: Service, on: date) -> dict[str, Any]:
    return {
        "id": service.id,
        "title": service.title,
        "short_title": service.short_title,
        "agency": service.agency,
        "agency_name": catalog.agencies[service.agency].short,
        "office_types": list(service.availability.office_types),
        "pre_appointment": service.availability.pre_appointment,
        "home_visit": service.availability.home_visit,
        "extraterritorial": service.availability.extraterritorial,
        "fee": fee_summary(catalog, service, on),
        "exemptions": list(service.exemptions),
        "deadline": [deadline_to_dict(d) for d in service.deadline],
        "version": service.version,
        "generic": service.generic,
    }


def service_to_dict(catalog: Catalog, service: Service, on: date) -> dict[str, Any]:
    out = service_summary(catalog, service, on)
    out.update(
        {
            "catalog_version": catalog.version,
            "form_version": service.form_version,
            "subject": service.subject,
            "layout": service.layout,
            "keywords": list(service.keywords),
            "notification": list(service.notification),
            "sections": [
                {
                    "id": s.id,
                    "title": s.title,
                    "visible_if": _expr(s.visible_if),
                    "fields": [field_to_dict(f) for f in s.fields],
                }
                for s in service.sections
            ],
            "rules": [
                {
                    "id": r.id,
                    "check": r.check.source,
                    "message": r.message,
                    "field": r.field,
                    "severity": r.severity.value,
                }
                for r in service.rules
            ],
            "calculated": [{"id": c.id, "label": c.label, "expr": c.expr.source} for c in service.calculated],
            "documents": [document_to_dict(catalog, d) for d in service.documents],
        }
    )
    return out
