"""A case's sync conflict as a person resolves it: one row per field, this workstation's value
beside the server's, and the values a choice stands for.

`conflict_data` is the server's (docs/sync.md «Conflicts»): `{path: {server: {value, version,
device}, proposed: [{value, device, device_name, seq, client_time}]}}`, where a path is
`answers.<field id>` or a case column such as `notify_by`. «На этом рабочем месте» is the latest
proposal this device made; a conflict recorded against another device's proposal (this device
holds the server's value) shows that latest proposal instead, named by its device.
The screen sends back only `{path: "local" | "server"}`; the values are taken from the store here,
never from the screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from forms.model import Catalog, Field
from workstation.core.errors import InvalidOperation

LOCAL, SERVER = "local", "server"
COLUMN_LABELS = {"notify_by": "Способ уведомления", "documents": "Представленные документы",
                 "privileges": "Льготные категории", "channel": "Канал приёма", "assigned_to": "Выездной специалист"}
NOTIFY_LABELS = {"sms": "SMS", "email": "электронная почта", "none": "не уведомлять"}
ALREADY_RESOLVED = "Расхождение по полю «{field}» уже разрешено: откройте карточку заново."
CHOOSE_ALL = "Выберите значение для каждого поля с расхождением ({n} не выбрано)."
NO_CONFLICT = "У дела {number} нет расхождений версий."


def _field(catalog: Catalog | None, service_id: str, path: str) -> Field | None:
    if catalog is None or not path.startswith("answers."):
        return None
    service = catalog.services.get(service_id)
    if service is None:
        return None
    try:
        return service.field(path.removeprefix("answers."))
    except KeyError:
        return None


def _text(f: Field | None, path: str, value: Any, catalog: Catalog | None, answers: Mapping[str, Any]) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if f is not None:
        from printing.values import field_text

        try:
            return field_text(f, value, catalog, answers) or "—"
        except Exception:  # a value of an unexpected shape: show it as it is
            return str(value)
    if path == "notify_by":
        return NOTIFY_LABELS.get(str(value), str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _local(entry: Mapping[str, Any], device_id: str | None) -> tuple[Any, str]:
    """(the value, whose) of the proposal shown as this workstation's."""
    proposed = [p for p in entry.get("proposed") or [] if isinstance(p, Mapping)]
    if not proposed:
        return None, ""
    mine = [p for p in proposed if device_id and p.get("device") == device_id]
    chosen = (mine or proposed)[-1]
    whose = "" if mine else str(chosen.get("device_name") or chosen.get("device") or "")
    return chosen.get("value"), whose


def _server_value(entry: Mapping[str, Any]) -> Any:
    server = entry.get("server")
    return server.get("value") if isinstance(server, Mapping) else None


def conflict_rows(case: Any, catalog: Catalog | None, device_id: str | None) -> list[dict[str, Any]]:
    """One dict per field in conflict: path, label, local/server values and their texts."""
    data = case.conflict_data if isinstance(case.conflict_data, Mapping) else {}
    answers = case.answers if isinstance(case.answers, Mapping) else {}
    rows = []
    for path, entry in data.items():
        if not isinstance(entry, Mapping):
            continue
        f = _field(catalog, case.service_id, path)
        label = f.label if f is not None else COLUMN_LABELS.get(path, path.removeprefix("answers."))
        local, whose = _local(entry, device_id)
        server = _server_value(entry)
        rows.append({"path": path, "label": label, "local": local, "server": server, "other_device": whose,
                     "local_text": _text(f, path, local, catalog, answers),
                     "server_text": _text(f, path, server, catalog, answers)})
    return rows


def chosen_values(case: Any, choices: Mapping[str, str], device_id: str | None) -> dict[str, Any]:
    """`{path: "local" | "server"}` → `{path: value}` for `sync_adapter.resolve_conflict`; every
    field in conflict must be chosen (a half-resolved case would stay flagged for the others)."""
    data = case.conflict_data if isinstance(case.conflict_data, Mapping) else {}
    if not data:
        raise InvalidOperation(NO_CONFLICT.format(number=case.number or case.id))
    values: dict[str, Any] = {}
    for path, side in choices.items():
        entry = data.get(path)
        if not isinstance(entry, Mapping):
            raise InvalidOperation(ALREADY_RESOLVED.format(field=path.removeprefix("answers.")))
        if side == LOCAL:
            values[path] = _local(entry, device_id)[0]
        elif side == SERVER:
            values[path] = _server_value(entry)
        else:
            raise InvalidOperation(f"Неизвестный выбор: {side}")
    missing = [p for p in data if p not in values]
    if missing:
        raise InvalidOperation(CHOOSE_ALL.format(n=len(missing)))
    return values
