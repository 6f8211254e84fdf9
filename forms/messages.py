"""Russian texts of the form engine and the catalog compiler, kept in one place for review.

Messages for users name the field first («СНИЛС: неверная контрольная сумма»): the engine adds
the label, these constants are the part after the colon. Messages for catalog editors are
printed as `file:line: field: message`.
"""

from __future__ import annotations

# --- values typed by users -------------------------------------------------------------
REQUIRED = "заполните поле"
NOT_TEXT = "ожидается текст"
TOO_SHORT = "не короче {n} символов"
TOO_LONG = "не длиннее {n} символов"
PATTERN = "значение не соответствует образцу"
MASK = "ожидается формат {mask}"
NOT_INTEGER = "ожидается целое число"
NOT_NUMBER = "ожидается число"
NOT_MONEY = "ожидается сумма в рублях, например 1500 или 1500,50"
TOO_SMALL = "не меньше {n}"
TOO_LARGE = "не больше {n}"
TOO_MANY_PLACES = "не больше {n} знаков после запятой"
NOT_DATE = "ожидается дата в формате дд.мм.гггг"
DATE_IN_FUTURE = "дата не может быть в будущем"
DATE_IN_PAST = "дата не может быть в прошлом"
NOT_BOOLEAN = "ожидается «да» или «нет»"
UNKNOWN_OPTION = "выберите значение из списка"
PARENT_FIRST = "сначала заполните поле «{parent}»"
NOT_LIST = "ожидается список значений"
TOO_FEW_SELECTED = "выберите не меньше {n}"
TOO_MANY_SELECTED = "выберите не больше {n}"
NOT_COMPOUND = "ожидается набор реквизитов"
NAME_LETTERS = "допустимы только буквы, дефис, пробел и апостроф"
SEX_UNKNOWN = "пол: укажите «мужской» или «женский»"
UNKNOWN_DOCUMENT_KIND = "вид документа: выберите из списка"
VEHICLE_ID_NEEDED = "укажите VIN или государственный регистрационный знак"
YEAR_RANGE = "год выпуска: от 1900 до {n}"
BIK_FORMAT = "БИК: должно быть 9 цифр"
ACCOUNT_FORMAT = "счёт: должно быть 20 цифр"
ACCOUNT_KEY = "счёт: не сходится контрольный ключ с БИК"
TOO_FEW_ITEMS = "добавьте не меньше {n}"
TOO_MANY_ITEMS = "не больше {n}"
NOT_ITEMS = "ожидается список записей"
UNKNOWN_FIELD = "такого поля нет в форме услуги"
RULE_FAILED = "правило «{rule}» не удалось проверить"
DOCUMENT_MISSING = "не представлен документ «{doc}»"
DOCUMENT_ORIGINALS = "нужно оригиналов: {n}"
DOCUMENT_COPIES = "нужно копий: {n}"
DOCUMENTS_LABEL = "Документы"

PART_LABELS = {
    "surname": "фамилия",
    "name": "имя",
    "patronymic": "отчество",
    "sex": "пол",
    "region": "регион",
    "city": "город",
    "street": "улица",
    "house": "дом",
    "building": "корпус/строение",
    "flat": "квартира",
    "postcode": "индекс",
    "kind": "вид документа",
    "series": "серия",
    "number": "номер",
    "issuer": "кем выдан",
    "issue_date": "дата выдачи",
    "division_code": "код подразделения",
    "vin": "VIN",
    "plate": "госномер",
    "make": "марка",
    "model": "модель",
    "year": "год выпуска",
    "bik": "БИК",
    "account": "счёт",
}

SEX_LABELS = {"male": "мужской", "female": "женский"}
CHANNEL_LABELS = {"window": "в окне приёма", "home_visit": "выезд на дом"}
NOTIFICATION_LABELS = {"sms": "SMS", "email": "электронная почта", "none": "не уведомлять"}

# --- deadlines -------------------------------------------------------------------------
SAME_DAY = "в день обращения"


def _plural(n: int, one: str, few: str, many: str) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def deadline_text(unit: str, amount: int) -> str:
    """«5 рабочих дней», «30 календарных дней», «1 месяц»; a zero term is «в день обращения»."""
    if amount == 0:
        return SAME_DAY
    if unit == "working_days":
        return f"{amount} {_plural(amount, 'рабочий день', 'рабочих дня', 'рабочих дней')}"
    if unit == "calendar_days":
        return f"{amount} {_plural(amount, 'календарный день', 'календарных дня', 'календарных дней')}"
    return f"{amount} {_plural(amount, 'месяц', 'месяца', 'месяцев')}"


# --- the catalog compiler (for catalog editors) -----------------------------------------
C_YAML = "ошибка разметки YAML: {detail}"
C_NOT_MAPPING = "ожидается набор «ключ: значение»"
C_NOT_LIST = "ожидается список"
C_MISSING = "обязательный ключ не указан"
C_UNKNOWN_KEY = "неизвестный ключ (опечатка?); допустимы: {allowed}"
C_NOT_STRING = "ожидается текст"
C_COMMA_HINT = " — похоже, в тексте внутри {…} есть запятая: заключите текст в кавычки"
C_NOT_INT = "ожидается целое число"
C_NOT_BOOL = "ожидается true или false"
C_NOT_NUMBER = "ожидается число"
C_NOT_DATE = "ожидается дата ГГГГ-ММ-ДД"
C_BAD_ID = "идентификатор должен состоять из латинских строчных букв, цифр, «-» и «_»"
C_DUPLICATE = "повторяющийся идентификатор «{id}»"
C_FILE_ID = "id «{id}» не совпадает с именем файла «{stem}»"
C_UNKNOWN_KIND = "неизвестный вид поля «{kind}»; допустимы: {allowed}"
C_UNKNOWN_REF = "«{id}» нет в справочнике {what}"
C_EXPRESSION = "выражение «{source}»: {detail}"
C_UNKNOWN_NAME = "выражение «{source}»: неизвестное поле «{name}»"
C_NO_OPTIONS = "у поля выбора нет вариантов (options)"
C_DEPENDS_ON = "depends_on ссылается на неизвестное поле выбора «{id}»"
C_OPTIONS_MAP = "при depends_on варианты задаются словарём «значение родителя: список»"
C_KIND_OPTION = "ключ «{key}» не применим к полю вида «{kind}»"
C_RANGE = "min больше max"
C_DEADLINE = "укажите ровно одно из: working_days, calendar_days, months"
C_NO_HISTORY = "у тарифа нет истории сумм (history)"
C_HISTORY_ORDER = "даты в истории тарифа должны возрастать"
C_PATTERN = "неверное регулярное выражение: {detail}"
C_RESERVED = "имя «{id}» зарезервировано"
C_APPLICANT_KIND = "поле «{id}» из блока заявителя должно быть вида «{kind}»"
C_EXAMPLE = "пример заявления не проходит проверку: {detail}"
C_SERVICE_VERSION = "version должен быть целым числом не меньше 1"
C_NO_SERVICES = "в каталоге нет ни одной услуги"
C_EMPTY_SECTION = "в разделе нет полей"
C_WARN_NO_EXAMPLE = "нет примера заявления (example)"
C_WARN_NO_KEYWORDS = "нет ключевых слов (keywords): услугу будет труднее найти"
C_GROUP_NESTED = "группа внутри группы не поддерживается"
C_NO_FIELDS = "у группы нет полей"
C_FILE_READ = "файл не читается: {detail}"
C_NO_SOURCES = "каталог не найден: в папке нет файла catalog.yaml"
C_TIMES = "times: {detail}"

WHAT = {
    "agency": "ведомств (agencies.yaml)",
    "office_type": "типов офисов (office_types.yaml)",
    "category": "льготных категорий (categories.yaml)",
    "document": "видов документов (documents.yaml)",
    "tariff": "тарифов (tariffs.yaml)",
    "service": "услуг (services/)",
    "field": "полей этой услуги",
}
