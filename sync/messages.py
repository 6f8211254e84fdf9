"""Every Russian text of the sync package (server refusals, client status lines, CLI output)."""

from __future__ import annotations

# --- server refusals -----------------------------------------------------------------------------
BAD_REQUEST = "Запрос не разобран: {detail}"
TOO_LARGE = "Запрос слишком большой (больше {limit} байт)"
UNAUTHORISED = "Рабочее место не подключено к серверу или отключено администратором"
FORBIDDEN = "Недостаточно прав для этого действия"
FORBIDDEN_OFFICE = "Дело другого центра: нет доступа"
NOT_FOUND = "Не найдено: {what}"
RATE_LIMITED = "Слишком много запросов; повторите через {seconds:.0f} с"
SEQUENCE_REUSED = "Номера изменений уже использованы другими изменениями (база рабочего места восстановлена из копии?)"
SEQUENCE_GAP = "Пропуск в очереди изменений: сервер ждёт изменение № {expected}"
TRANSIENT = "Сервер временно не может сохранить изменения; повтор позже"
INTERNAL = "Внутренняя ошибка сервера"
BAD_CODE = "Код подключения неверен, уже использован или просрочен"
BAD_LOGIN = "Неверный логин или пароль"
BAD_CURSOR = "Позиция синхронизации не разобрана"

# --- mutation rejections (shown at the workstation next to the case) -------------------------------
UNKNOWN_ENTITY = "Неизвестный вид записи: {entity}"
UNKNOWN_OP = "Неизвестное действие: {op}"
INVALID_PAYLOAD = "Неверные данные изменения: {detail}"
CASE_UNKNOWN = "Дело не найдено на сервере"
CASE_OTHER_OFFICE = "Дело принадлежит другому центру"
FIELD_NOT_EDITABLE = "Поле нельзя изменить так: {field}"
TRANSITION_REFUSED = "Переход «{old}» → «{new}» не разрешён"
REASON_REQUIRED = "Для статуса «{new}» нужна причина"
UNKNOWN_STATUS = "Неизвестный статус: {status}"
NUMBER_TAKEN = "Номер дела {number} уже занят другим делом"
SERVER_ERROR = "Сервер не смог применить изменение (ошибка данных)"
CONFLICT = "Поле изменено и на другом рабочем месте: {fields}. Нужно выбрать значение"

STATUS_LABELS = {
    "draft": "черновик",
    "accepted": "принято",
    "sent": "передано в ведомство",
    "ready": "результат готов",
    "issued": "выдано",
    "refused": "отказ",
    "withdrawn": "отозвано заявителем",
    "returned": "возвращено на доработку",
}

# --- the workstation side ----------------------------------------------------------------------------
OFFLINE = "Нет связи с сервером"
UNAUTHORISED_CLIENT = "Сервер не принимает это рабочее место: подключите его заново (mfc-workstation connect)"
NOT_CONNECTED = "Рабочее место не подключено к серверу: выполните mfc-workstation connect URL КОД"
TOKEN_MISSING = "Ключ доступа к серверу не найден в хранилище паролей системы: подключите рабочее место заново"
SERVER_REFUSED = "Сервер отказал: {message}"
SERVER_FAILED = "Сервер ответил ошибкой {status}"
PROTOCOL_ERROR = "Ответ сервера не разобран"
SEQUENCE_GAP_CLIENT = "Очередь изменений не совпадает с сервером; обратитесь к администратору"
NEW_EPOCH = "Сервер восстановлен из резервной копии: изменения отправляются заново"
REJECTED_NOTICE = "Сервер отклонил изменений: {count}"
CONFLICT_NOTICE = "Дел с расхождениями: {count}"
