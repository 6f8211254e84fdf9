"""Every Russian text of the desktop screens, in one place for review.

Messages about a form's values come from `forms.messages` (the engine adds the field label);
texts here are the screens' own: titles, buttons, hints, notices. Key names shown on buttons
(«F2», «Ctrl+F») are part of the button text on purpose: the keyboard is the main tool.
"""

from __future__ import annotations

APP_TITLE = "Мои Документы — рабочее место специалиста"
APP_SHORT = "Мои Документы"

# --- keys shown on buttons ------------------------------------------------------------------
KEY_LABELS = {
    "F2": "F2",
    "F3": "F3",
    "F5": "F5",
    "F6": "F6",
    "F7": "F7",
    "F8": "F8",
    "F9": "F9",
    "F12": "F12",
    "Escape": "Esc",
    "Control-f": "Ctrl+F",
    "Control-p": "Ctrl+P",
    "Control-l": "Ctrl+L",
    "Control-Next": "Ctrl+PgDn",
    "Control-Prior": "Ctrl+PgUp",
}

# --- actions -------------------------------------------------------------------------------
ACT_HOME = "Главная"
ACT_NEW_INTAKE = "Новый приём"
ACT_SITUATIONS = "Жизненные ситуации"
ACT_SETTINGS = "Настройки"
ACT_LOCK = "Блокировка"
ACT_LOGOUT = "Выйти"
ACT_SAVE_DRAFT = "Сохранить черновик"
ACT_ACCEPT = "Принять"
ACT_NEXT_ISSUE = "К замечанию"
ACT_PRINT = "Печать"
ACT_SEARCH = "Поиск"
ACT_BACK = "Назад"
ACT_CANCEL = "Отмена"
ACT_SAVE = "Сохранить"
ACT_OPEN_FORM = "Открыть форму"
ACT_ADD_ROW = "Добавить: {item}"
ACT_REMOVE_ROW = "Удалить"
ACT_PRESENTED_ALL = "Отметить по перечню"
ACT_NEXT_PANE = "Следующее заявление"
ACT_PREVIOUS_PANE = "Предыдущее заявление"

# --- login and lock -------------------------------------------------------------------------
LOGIN_TITLE = "Вход в рабочее место"
LOGIN_SUBTITLE = "Центр госуслуг «Мои Документы»"
LOGIN_LOGIN = "Логин"
LOGIN_PASSWORD = "Пароль"
LOGIN_BUTTON = "Войти (Enter)"
LOGIN_FAILED = "Неверный логин или пароль."
LOGIN_EMPTY = "Введите логин и пароль."
LOGIN_CHECKING = "Проверка…"
LOGIN_DEMO_TITLE = "Демонстрационная учётная запись"
LOGIN_DEMO = "Логин: {login}    Пароль: {password}"
LOGIN_DEMO_NOTE = "Создана при первом запуске. Смените её, когда рабочее место подключат к серверу."
LOGIN_OFFLINE_NOTE = "Вход работает и без связи с сервером."

LOCK_TITLE = "Рабочее место заблокировано"
LOCK_WHO = "Работает: {name}"
LOCK_HINT = "Введите пароль, чтобы продолжить. Несохранённые данные не потеряны."
LOCK_BUTTON = "Разблокировать (Enter)"
LOCK_FAILED = "Пароль не подходит."
LOCK_OTHER_USER = "Сменить пользователя"

# --- home -----------------------------------------------------------------------------------
HOME_TITLE = "Главная"
HOME_GREETING = "Здравствуйте, {name}"
HOME_TODAY = "Заявления сегодня"
HOME_TODAY_WINDOW = "Заявления сегодня · рабочее место {window}"
HOME_DRAFTS = "Открытые черновики"
HOME_READY = "Готово к выдаче"
HOME_EMPTY_TODAY = "Сегодня заявлений ещё не было."
HOME_EMPTY_DRAFTS = "Черновиков нет."
HOME_EMPTY_READY = "Готовых результатов нет."
HOME_COL_NUMBER = "Номер"
HOME_COL_SERVICE = "Услуга"
HOME_COL_APPLICANT = "Заявитель"
HOME_COL_STATUS = "Состояние"
HOME_COL_TIME = "Время"
HOME_LOADING = "Загрузка…"
HOME_OPEN_HINT = "Enter — открыть выбранное"

# --- service picker -------------------------------------------------------------------------
PICKER_TITLE = "Новый приём: выбор услуги"
PICKER_SEARCH = "Поиск услуги (Ctrl+F)"
PICKER_SEARCH_HINT = "Начните вводить: «паспорт», «прописка», «выписка ЕГРН», «права»…"
PICKER_AGENCY = "Ведомство"
PICKER_ALL_AGENCIES = "Все ведомства"
PICKER_COL_TITLE = "Услуга"
PICKER_COL_AGENCY = "Ведомство"
PICKER_COL_MARKS = "Отметки"
PICKER_NOTHING = "Ничего не найдено. Попробуйте другое слово или выберите ведомство."
PICKER_LOADING = "Каталог услуг загружается…"
PICKER_SITUATIONS = "Жизненные ситуации"
PICKER_NO_SITUATIONS = "В каталоге пока нет жизненных ситуаций."
PICKER_OPEN_SITUATION = "Открыть ситуацию"
PICKER_FREQUENT = "часто"
PICKER_PRE_APPOINTMENT = "по записи"
PICKER_NOT_HERE = "не в этом офисе"
PICKER_DETAILS_AGENCY = "Ведомство: {agency}"
PICKER_DETAILS_DEADLINE = "Срок: {deadline}"
PICKER_DETAILS_NO_DEADLINE = "Срок: не установлен"
PICKER_DETAILS_FEE = "Госпошлина: {fee}"
PICKER_DETAILS_FREE = "Госпошлина: не взимается"
PICKER_DETAILS_OFFICES = "Где принимается: {where}"
PICKER_DETAILS_PRE = "Только по предварительной записи."
PICKER_DETAILS_HOME = "Возможен приём на дому."
PICKER_NOT_OFFERED = "В этом офисе услуга не оказывается. Принимается: {where}."
PICKER_RESULTS = "Найдено: {n}"
PICKER_FOUND_NONE = "Найдено: 0"
PICKER_APPLICANT = "Заявитель: {name} · Esc — выбрать другого"
PICKER_APPLICANT_NEW = "Новый заявитель: данные вводятся в форме · Esc — найти заявителя"
PICKER_APPLICANT_TYPED = "Новый заявитель: {name} (из поиска, в форме можно исправить) · Esc — найти заявителя"
PICKER_TYPED_DATA = "введённые данные"

# --- new intake: the applicant --------------------------------------------------------------
APPLICANT_TITLE = "Новый приём: заявитель"
APPLICANT_TITLE_SITUATION = "Новый приём по жизненной ситуации: заявитель"
APPLICANT_HINT = "Найдите заявителя, который уже обращался: его данные попадут в заявление, их можно изменить."
APPLICANT_SEARCH = "Поиск заявителя (Ctrl+F)"
APPLICANT_SEARCH_HINT = "ФИО или его часть, серия и номер паспорта, СНИЛС, телефон — в любом написании"
APPLICANT_COL_NAME = "ФИО"
APPLICANT_COL_BIRTH = "Дата рожд."
APPLICANT_COL_PASSPORT = "Паспорт"
APPLICANT_COL_SNILS = "СНИЛС"
APPLICANT_COL_PHONE = "Телефон"
APPLICANT_START = "Начните вводить — заявители ищутся по мере ввода. ↓ — к списку."
APPLICANT_SEARCHING = "Поиск…"
APPLICANT_NOTHING = "Никого не нашли. F5 — новый заявитель: то, что введено в поиск, перейдёт в форму."
APPLICANT_NO_STORE = "Поиск заявителей недоступен. F5 — новый заявитель."
APPLICANT_RESULTS = "Найдено: {n}"
APPLICANT_NEW = "Новый заявитель"
APPLICANT_CHOOSE = "Выбрать"
APPLICANT_DETAILS_BIRTH = "Дата рождения: {date}"
APPLICANT_DETAILS_PASSPORT = "Паспорт: {passport}"
APPLICANT_DETAILS_SNILS = "СНИЛС: {snils}"
APPLICANT_DETAILS_PHONE = "Телефон: {phone}"
APPLICANT_DETAILS_ADDRESS = "Адрес: {address}"
APPLICANT_DETAILS_NONE = "Выберите заявителя в списке или начните новый приём без поиска (F5)."
APPLICANT_NEW_NOTE = ("Новый заявитель: данные вводятся в форме заявления. При приёме заявитель с тем же "
                      "СНИЛС или паспортом не дублируется.")

# --- the form -------------------------------------------------------------------------------
FORM_VERSION = "Форма {version} · {agency}"
FORM_REQUIRED_MARK = " *"
FORM_REQUIRED_NOTE = "* — обязательные поля"
FORM_DOCUMENTS = "Документы, представленные заявителем"
FORM_DOC_COL_NAME = "Документ"
FORM_DOC_COL_ORIGINALS = "Оригиналы"
FORM_DOC_COL_COPIES = "Копии"
FORM_DOC_COL_SHEETS = "Листов"
FORM_DOC_NEEDED = "нужно: {what}"
FORM_DOC_ORIGINALS_N = "оригиналов {n}"
FORM_DOC_COPIES_N = "копий {n}"
FORM_DOC_OPTIONAL = "по желанию"
FORM_DOC_BY_REQUEST = "центр запросит сам"
FORM_NO_DOCUMENTS = "Документы по перечню не требуются."
FORM_NOTIFICATION = "Уведомление о готовности результата"
FORM_NOTIFY_SMS_TO = "SMS на номер {phone}"
FORM_NOTIFY_EMAIL_TO = "письмо на адрес {email}"
FORM_PRIVILEGES = "Льготная категория заявителя (освобождение от госпошлины)"
FORM_SUMMARY = "Итог"
FORM_FEE = "Госпошлина"
FORM_FEE_FREE = "не взимается"
FORM_FEE_EXEMPT = "не взимается: {category} (полная сумма {full})"
FORM_DEADLINE = "Срок"
FORM_DEADLINE_VALUE = "{deadline}, готово {due}"
FORM_DEADLINE_NONE = "не установлен"
FORM_SAME_DAY = "в день обращения"
FORM_CALCULATED = "Расчётные значения"
FORM_ISSUES = "Замечания"
FORM_ISSUES_NONE = "Замечаний нет."
FORM_ISSUES_HIDDEN = "Незаполненных обязательных полей: {n}. Все замечания — по F9."
FORM_ISSUES_COUNT = "Ошибок: {errors}, предупреждений: {warnings}. Enter — перейти к полю."
FORM_ACCEPT_BLOCKED = "Заявление нельзя принять: исправьте ошибки ({n}). F8 — к следующему замечанию."
FORM_DRAFT_SAVED = "Черновик сохранён в {time}."
FORM_ACCEPTED = "Заявление принято, номер {number}. Готовность: {due}."
FORM_ACCEPTED_NO_DUE = "Заявление принято, номер {number}."
FORM_ITEM = "{item} №{n}"
FORM_NO_ITEMS = "Записей нет. Добавьте кнопкой ниже."
FORM_CALENDAR = "Календарь (F4)"
FORM_CALENDAR_TODAY = "Сегодня"
FORM_YES = "да"
FORM_EMPTY_CHOICE = "—"

PARTS_PERSON = {"surname": "Фамилия", "name": "Имя", "patronymic": "Отчество", "sex": "Пол"}
PARTS_ADDRESS = {
    "region": "Регион",
    "city": "Город, населённый пункт",
    "street": "Улица",
    "house": "Дом",
    "building": "Корпус/строение",
    "flat": "Квартира",
    "postcode": "Индекс",
}
PARTS_IDENTITY = {
    "kind": "Вид документа",
    "series_number": "Серия и номер",
    "series": "Серия",
    "number": "Номер",
    "issuer": "Кем выдан",
    "issue_date": "Дата выдачи",
    "division_code": "Код подразделения",
}
PARTS_VEHICLE = {"vin": "VIN", "plate": "Госномер", "make": "Марка", "model": "Модель", "year": "Год выпуска"}
PARTS_BANK = {"bik": "БИК", "account": "Номер счёта"}
SEX_CHOICES = (("male", "мужской"), ("female", "женский"))

MONTHS = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")

# --- life situation -------------------------------------------------------------------------
SITUATION_TITLE = "Жизненная ситуация: {title}"
SITUATION_APPLICANT_TAB = "Заявитель (общие данные)"
SITUATION_SHARED_NOTE = (
    "Эти сведения вводятся один раз и попадают во все заявления ситуации: {services}."
)
SITUATION_TABS_HINT = "Ctrl+PgDn / Ctrl+PgUp — следующее и предыдущее заявление"
SITUATION_ACCEPTED = "Приняты заявления: {numbers}."

# --- settings -------------------------------------------------------------------------------
SETTINGS_TITLE = "Настройки рабочего места"
SETTINGS_OFFICE = "Офис"
SETTINGS_OFFICE_NONE = "не выбран"
SETTINGS_WINDOW = "Номер окна"
SETTINGS_PRINTER = "Принтер"
SETTINGS_PRINTER_HINT = "Имя очереди печати; пусто — принтер по умолчанию. Выбор из списка появится с модулем печати."
SETTINGS_FONT = "Размер шрифта"
SETTINGS_FONT_NORMAL = "обычный"
SETTINGS_FONT_LARGE = "крупный"
SETTINGS_THEME = "Оформление"
SETTINGS_THEME_LIGHT = "светлое"
SETTINGS_THEME_CONTRAST = "высокая контрастность"
SETTINGS_LOCK = "Блокировать экран после простоя, минут"
SETTINGS_LOCK_HINT = "0 — не блокировать автоматически (Ctrl+L блокирует в любой момент)."
SETTINGS_SAVED = "Настройки сохранены."
SETTINGS_BAD_LOCK = "Время блокировки: целое число минут от 0 до 240."
SETTINGS_BAD_WINDOW = "Номер окна: не длиннее 10 символов."
SETTINGS_CORRUPT = (
    "Файл настроек был повреждён и сохранён под именем «{name}». "
    "Настройки сброшены к исходным; укажите офис и окно заново (F12)."
)
SETTINGS_WRITE_FAILED = "Не удалось сохранить настройки: нет доступа к папке данных."

# --- status bar -----------------------------------------------------------------------------
STATUS_ONLINE = "В сети"
STATUS_OFFLINE = "Нет связи с сервером"
STATUS_PENDING = "Не отправлено: {n}"
STATUS_LAST_SYNC = "Синхронизация: {when}"
STATUS_NEVER_SYNCED = "Синхронизации ещё не было"
STATUS_OFFICE = "{office} · рабочее место {window}"
STATUS_OFFICE_NO_WINDOW = "{office}"
STATUS_NO_OFFICE = "Офис не выбран (F12)"
STATUS_CATALOG = "Каталог {version}"
STATUS_CATALOG_LOADING = "Каталог загружается…"
STATUS_STARTING = "Рабочее место запускается…"

# --- errors and notices ---------------------------------------------------------------------
START_FAILED = "Рабочее место не удалось запустить. Закройте окно и сообщите администратору код ошибки: {ref}."
ERROR_UNEXPECTED = (
    "Произошла непредвиденная ошибка. Работа может быть продолжена; данные формы не потеряны. "
    "Сообщите администратору код ошибки: {ref}."
)
ERROR_CATALOG = "Каталог услуг не удалось загрузить: {detail}"
NOTICE_CLOSE = "Закрыть"
PRINTING_NOT_WIRED = "Печать станет доступна после подключения модуля печати. Черновик сохранён."
NOTHING_TO_PRINT = "Печатать нечего: откройте принятое заявление."

# --- the store, printing, sync wired (issue 6) ---------------------------------------------------
STORE_ERROR_TITLE = "Рабочее место не может открыть свои данные"
STORE_ERROR_HINT = "Обратитесь к администратору. Приложение будет закрыто (Enter или Esc)."
STORE_ERROR_CLOSE = "Закрыть (Enter)"
CODES_CONFIGURED = ("Коды рабочего места не были заданы: установлены демонстрационные — офис {office}, "
                    "рабочее место {workstation}.")
SYNC_NOT_ENROLLED = "Рабочее место не подключено к серверу"
PRINT_FAILED = "Не удалось напечатать: {detail} Дело принято и сохранено."
PRINT_NOTHING = "Печатать нечего: дело ещё не принято."
PRINTED = "Напечатано ({n} док.): {names}"
PREVIEW_TITLE = "Предварительный просмотр — {title}"
PREVIEW_PRINT = "Печать (Enter / Ctrl+P)"
PREVIEW_CLOSE = "Закрыть (Esc)"
PREVIEW_PAGES = "{paper}: страниц {n}. Будут напечатаны: {all}."
ACT_CASES = "Дела"
CASES_TITLE = "Дела"
CASES_HINT = ("Номер дела, ФИО, паспорт, СНИЛС или телефон, затем Enter (сканер штрихкода вводит номер "
              "и Enter сам). ↓ — к списку, Enter — карточка.")
CASES_EMPTY = "Ничего не найдено."
CASES_START = "Введите, что искать, и нажмите Enter."
CASES_NO_STORE = "Поиск дел работает, когда подключено хранилище."
CASES_SELECT = "Выберите дело в списке слева."
CASE_NUMBER = "Дело № {number}"
CASE_FIELDS = "Услуга: {service}\nЗаявитель: {applicant}\nСтатус: {status}\nСрок: {due}\nСпециалист: {specialist}"
CASE_HISTORY = "История статусов"
CASE_AUDIT = "Журнал действий"
CASE_CHANGE = "Изменить статус:"
CASE_REASON = "Причина (для отказа, отзыва, возврата):"
CASE_NO_CHANGES = "Изменить статус нельзя: он окончательный или не разрешён вашей роли."
CASE_STATUS_CHANGED = "Дело {number}: статус «{status}»."
CASE_ISSUED = "Дело {number} выдано; расписка о выдаче отправлена на печать."
CASE_NOT_READY = "Выдать можно только готовый результат (статус «Результат готов»)."
ACT_ISSUE = "Выдать"
ACT_REPRINT = "Печать повторно"
ACT_FIND = "Поиск"
AUDIT_ACTIONS = {"create": "создано", "view": "просмотр", "status": "статус", "change": "изменение",
                 "print": "печать", "export": "выгрузка", "delete": "удаление"}

# --- conflicts, roles, the device's codes, printers (issue 6) --------------------------------------
CONFLICT_BADGE = "Конфликт версий"
CONFLICT_TITLE = "Конфликт версий: дело изменено в двух местах"
CONFLICT_HINT = ("Выберите значение каждого поля: ↑/↓ — поле, 1 или ← — «На этом рабочем месте», "
                 "2 или → — «На сервере», пробел — другое значение; Enter — сохранить выбор.")
CONFLICT_COL_FIELD = "Поле"
CONFLICT_COL_LOCAL = "На этом рабочем месте"
CONFLICT_COL_SERVER = "На сервере"
CONFLICT_COL_CHOICE = "Выбрано"
CONFLICT_CHOSEN_LOCAL = "● рабочее место"
CONFLICT_CHOSEN_SERVER = "● сервер"
CONFLICT_NOT_CHOSEN = "выберите"
CONFLICT_OTHER_DEVICE = "{value} (с места «{device}»)"
CONFLICT_SAVE = "Сохранить выбор (Enter)"
CONFLICT_CHOOSE_ALL = "Выберите значение для каждого поля ({n} не выбрано)."
CONFLICT_SAVED = "Дело {number}: расхождение разрешено, выбор будет отправлен на сервер."
CONFLICT_NOT_YOURS = "Разрешать расхождения версий может специалист или руководитель."
HOME_CONFLICTS = "Конфликт версий — нужен ваш выбор (Enter — открыть)"
ROLE_NO_INTAKE = "Приём заявлений недоступен для вашей роли ({role})."
ISSUE_OTHER_OFFICE = "Дело принято в офисе {office}: выдать результат можно только там."
SETTINGS_WORKSTATION = "Рабочее место"
SETTINGS_CODES_ADMIN = "Офис и номер рабочего места меняет только администратор."
SETTINGS_CODES_HINT = "Код офиса и три цифры рабочего места входят в номера дел."
SETTINGS_BAD_WORKSTATION = "Рабочее место: ровно три цифры, например 001."
SETTINGS_BAD_OFFICE = "Выберите офис."
SETTINGS_PRINTER_DEFAULT = "{name} (по умолчанию)"
SETTINGS_PRINTER_SYSTEM = "Принтер по умолчанию системы"
SETTINGS_PRINTER_PDF = "Сохранить в PDF (без печати)"
SETTINGS_PRINTER_NOT_READY = "{name} (не готов)"
SETTINGS_PRINTERS_REFRESH = "Обновить список"
SETTINGS_PRINTERS_LOADING = "Список принтеров загружается…"
SETTINGS_PRINTERS_FOUND = "Найдено принтеров: {n}."
SETTINGS_PRINTERS_NONE = "Принтеры не найдены: можно сохранять в PDF."
SETTINGS_PRINTERS_FAILED = "Список принтеров недоступен: {detail}"
SETTINGS_PRINTER_HINT2 = "Выбор сохраняется и для печати из командной строки (mfc-workstation print)."
PDF_SAVED = "Сохранено в PDF ({n} док.): {folder}"
STATUS_WORKSTATION = "{office} · рабочее место {window}"
