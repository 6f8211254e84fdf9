"""What each staff role may do at the workstation, beyond the status changes (`ROLE_TARGETS`).

One table, read by the UI (to offer only what is allowed) and enforced by the core services the
UI calls (`workstation.core.ui_backends`): a hidden button is a convenience, the refusal here is
the rule. Refusals are `RoleRefused` with a Russian `user_message`.

| what                                  | specialist | field specialist | supervisor | administrator |
|---------------------------------------|------------|------------------|------------|---------------|
| intake at the window                  | yes        | no               | yes        | no            |
| intake on a home visit (channel)      | no         | yes              | yes        | no            |
| change a case's status (ROLE_TARGETS) | some       | issue only       | all        | no            |
| issue a result                        | at the case's office only (every role that may issue)   |
| resolve a sync conflict               | yes        | yes              | yes        | no            |
| office and workstation codes          | no         | no               | no         | yes           |
| printer, look, idle lock              | yes        | yes              | yes        | yes           |

The administrator sets the workstation up and does not work with applicants' cases (152-ФЗ: no
access to personal data without need). A supervisor covers a window at peaks and visits too.
"""

from __future__ import annotations

from enum import StrEnum

from workstation.core.errors import InvalidOperation


class Role(StrEnum):
    """Staff roles (kept here, light to import: the UI reads this table before any store is open)."""

    SPECIALIST = "specialist"
    FIELD_SPECIALIST = "field_specialist"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


class Permission(StrEnum):
    INTAKE_WINDOW = "intake_window"
    INTAKE_HOME_VISIT = "intake_home_visit"
    RESOLVE_CONFLICT = "resolve_conflict"
    DEVICE_CODES = "device_codes"
    LOCAL_SETTINGS = "local_settings"


ALL_ROLES = frozenset(Role)
WORKING = frozenset({Role.SPECIALIST, Role.FIELD_SPECIALIST, Role.SUPERVISOR})

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.INTAKE_WINDOW: frozenset({Role.SPECIALIST, Role.SUPERVISOR}),
    Permission.INTAKE_HOME_VISIT: frozenset({Role.FIELD_SPECIALIST, Role.SUPERVISOR}),
    Permission.RESOLVE_CONFLICT: WORKING,
    Permission.DEVICE_CODES: frozenset({Role.ADMINISTRATOR}),
    Permission.LOCAL_SETTINGS: ALL_ROLES,
}

REFUSALS: dict[Permission, str] = {
    Permission.INTAKE_WINDOW: "Приём заявлений в окне недоступен для вашей роли ({role}).",
    Permission.INTAKE_HOME_VISIT: "Приём заявлений на дому доступен только выездному специалисту и руководителю.",
    Permission.RESOLVE_CONFLICT: "Разрешать расхождения версий может специалист или руководитель, не {role}.",
    Permission.DEVICE_CODES: "Офис и номер рабочего места меняет только администратор.",
    Permission.LOCAL_SETTINGS: "Настройки недоступны для вашей роли ({role}).",
}

ROLE_LABELS: dict[str, str] = {Role.SPECIALIST: "специалист", Role.FIELD_SPECIALIST: "выездной специалист",
               Role.SUPERVISOR: "руководитель", Role.ADMINISTRATOR: "администратор"}
POSITIONS: dict[str, str] = {Role.SPECIALIST: "Специалист", Role.FIELD_SPECIALIST: "Выездной специалист",
             Role.SUPERVISOR: "Руководитель", Role.ADMINISTRATOR: "Администратор"}

ISSUE_ELSEWHERE = ("Дело {number} принято в офисе {case_office}: результат выдаётся там же "
                   "(это рабочее место — офис {office}).")


class RoleRefused(InvalidOperation):
    """The staff member's role does not allow this; the message says who may."""


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role or "роль не указана")


def may(role: str | None, permission: Permission) -> bool:
    try:
        return Role(role or "") in GRANTS[permission]
    except ValueError:
        return False


def require(role: str | None, permission: Permission) -> None:
    if not may(role, permission):
        raise RoleRefused(REFUSALS[permission].format(role=role_label(role or "")))


def intake_channel(role: str | None) -> str:
    """The channel a new draft gets: a field specialist takes applications at the applicant's home."""
    return "home_visit" if role == Role.FIELD_SPECIALIST else "window"


def may_intake(role: str | None) -> bool:
    return may(role, Permission.INTAKE_WINDOW) or may(role, Permission.INTAKE_HOME_VISIT)


def require_intake(role: str | None, channel: str) -> None:
    require(role, Permission.INTAKE_HOME_VISIT if channel == "home_visit" else Permission.INTAKE_WINDOW)
