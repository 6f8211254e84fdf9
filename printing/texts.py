"""Russian texts of the printed papers, kept in one place so they can be reviewed and changed together.

Legal wording (the statement of responsibility, the consent to personal-data processing) is
here too: a methodologist changes it in this file, never inside the layout code.
"""

from __future__ import annotations

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)

MFC_NAME = (
    "ГБУ города Москвы «Многофункциональные центры предоставления государственных услуг города Москвы»"
)

# --- shared -------------------------------------------------------------------------------
TO = "В"
FROM = "от"
PHONE = "телефон"
EMAIL = "эл. почта"
ADDRESS = "адрес"
SIGNATURE = "подпись"
SIGNATURE_DECODED = "расшифровка подписи"
DATE_CAPTION = "дата"
NAME_CAPTION = "фамилия, имя, отчество"
APPLICANT_CAPTION = "фамилия, имя, отчество заявителя"
CHOOSE_ONE = "(нужное отметить)"
YES = "да"
NO = "нет"
BOX_EMPTY = "☐"
BOX_TICKED = "☒"
NONE_DASH = "—"
PAGE_OF = "Лист {page} из {total}"
CASE_NUMBER = "№\u00a0{number}"
COPY_FOR_APPLICANT = "Экземпляр заявителя"
COPY_FOR_CENTRE = "Экземпляр центра госуслуг"
CUT_LINE = "линия отреза"
YEAR_SUFFIX = "г."
DATE_BLANK = "«____» ______________ 20___ г."
RUBLES = "руб."

# --- parts of compound values --------------------------------------------------------------
SEX = "пол"
SERIES = "серия"
NUMBER_SIGN = "№"
ISSUED = "выдан"
DIVISION_CODE = "код подразделения"
HOUSE = "д."
BUILDING = "корп./стр."
FLAT = "кв."
VIN = "VIN"
PLATE = "госномер"
YEAR_MADE = "{year} г. в."
BIK = "БИК"
ACCOUNT = "счёт"
PERSON_CAPTION = "(фамилия, имя, отчество)"
ADDRESS_CAPTION = "(индекс, регион, населённый пункт, улица, дом, корпус, квартира)"
IDENTITY_CAPTION = "(вид документа, серия, номер, кем и когда выдан, код подразделения)"
VEHICLE_CAPTION = "(VIN, государственный регистрационный знак, марка, модель, год выпуска)"
BANK_CAPTION = "(БИК банка, номер счёта)"
GROUP_NUMBER = "№ п/п"
GROUP_EMPTY = "нет"

# --- the application ----------------------------------------------------------------------
APPLICATION_TITLE = "ЗАЯВЛЕНИЕ"
RESPONSIBILITY = (
    "Об ответственности за достоверность и полноту представленных сведений и документов "
    "предупрежден(а). Сведения, указанные в заявлении, на дату его подачи достоверны; "
    "документы (копии документов), приложенные к заявлению, соответствуют требованиям "
    "законодательства Российской Федерации и на момент подачи заявления действительны."
)
CONSENT = (
    "В соответствии с Федеральным законом от 27.07.2006 № 152-ФЗ «О персональных данных» даю "
    "согласие Государственному бюджетному учреждению города Москвы «Многофункциональные центры "
    "предоставления государственных услуг города Москвы» и органу власти, предоставляющему "
    "услугу, на обработку моих персональных данных, указанных в заявлении и приложенных "
    "документах, в целях предоставления государственной услуги. Согласие действует до "
    "достижения цели обработки и может быть отозвано мной письменным заявлением."
)
ATTACHED = "К заявлению прилагаю:"
ATTACHED_NONE = "документы не представлены"
ORIGINAL = "подлинник"
COPY = "копия"
COPIES_SHEETS = "{what}: {copies} экз., {sheets} л."
COPIES_ONLY = "{what}: {copies} экз."
RESULT_WAY = "Результат предоставления услуги прошу выдать в центре госуслуг «Мои Документы»."
NOTIFY = "О готовности результата прошу уведомить:"
NOTIFY_SMS = "SMS-сообщением на номер"
NOTIFY_EMAIL = "по электронной почте"
NOTIFY_NONE = "уведомление не требуется"
SPECIALIST_BLOCK = "Заполняется специалистом центра госуслуг"
ACCEPTED_AT = "Заявление принято"
REGISTRATION_NUMBER = "Регистрационный номер"
SPECIALIST = "Специалист"
POSITION_CAPTION = "должность"
DATE_TIME = "дата и время"
ACCEPTED_DATE_TIME = "Дата и время приёма"
HOME_VISIT_NOTE = "Заявление принято при выезде к заявителю."
FORM_VERSION = "Форма {form}, каталог {catalog}"

# --- form 1П (A5 card) --------------------------------------------------------------------
CARD_FORM = "Форма № 1П"
CARD_TITLE = "ЗАЯВЛЕНИЕ"
CARD_PHOTO = "Место\nдля\nфотографии\n35×45 мм"
CARD_OFFICIAL = "Заполняется должностным лицом"
CARD_PASSPORT_SERIES = "Паспорт серия"
CARD_ISSUED_BY = "Паспорт выдал"
CARD_RECEIVED = "Паспорт получил(а)"
CARD_BACK = "Оборотная сторона"
CARD_NAME_PARTS = (("surname", "Фамилия"), ("name", "Имя"), ("patronymic", "Отчество"))
CARD_SEX = "Пол"
CARD_AGENCY_CAPTION = "(наименование органа)"
CARD_APPLICANT_SIGNATURE = "Подпись заявителя"

# --- the receipt --------------------------------------------------------------------------
RECEIPT_TITLE = "РАСПИСКА"
RECEIPT_SUBTITLE = "в получении документов"
RECEIPT_NUMBER = "Номер заявления"
RECEIPT_ACCEPTED = "Дата и время приёма"
RECEIPT_APPLICANT = "Заявитель"
RECEIPT_SERVICE = "Услуга"
RECEIPT_SERVICES = "Услуги"
RECEIPT_BUNDLE = "Комплексный запрос — жизненная ситуация «{title}»"
RECEIPT_SERVICES_HEAD = ("№", "Номер заявления", "Услуга", "Готовность результата", "Пошлина, руб.")
RECEIPT_DOCS = "Приняты документы:"
RECEIPT_DOC_HEAD = ("№", "Наименование документа", "Подлинники", "Копии")
RECEIPT_DOC_SUBHEAD = ("экз.", "листов", "экз.", "листов")
RECEIPT_TOTAL = "Итого"
RECEIPT_BY_REQUEST = "Документы (сведения), которые центр госуслуг запросит самостоятельно:"
RECEIPT_FEE = "Государственная пошлина"
RECEIPT_FEE_TOTAL = "Госпошлина, всего"
RECEIPT_FEE_NONE = "не взимается"
RECEIPT_FEE_EXEMPT = "не взимается (льгота: {reason})"
RECEIPT_DUE = "Дата готовности результата"
RECEIPT_DUE_NONE = "срок сообщит орган власти"
RECEIPT_DUE_TERM = "срок — {term}"
RECEIPT_NOTIFY = "Уведомление о готовности"
RECEIPT_NOTIFY_SMS = "SMS на номер {contact}"
RECEIPT_NOTIFY_EMAIL = "электронное письмо на адрес {contact}"
RECEIPT_PICKUP = "Результат выдаётся при предъявлении документа, удостоверяющего личность, и этой расписки."
RECEIPT_ACCEPTED_BY = "Документы принял"
RECEIPT_RECEIVED_BY = "Расписку получил(а)"
RECEIPT_OFFICE = "Центр госуслуг"

# --- the issuance slip --------------------------------------------------------------------
ISSUANCE_TITLE = "РАСПИСКА"
ISSUANCE_SUBTITLE = "в выдаче результата предоставления услуги"
ISSUANCE_RESULT = "Выдан результат"
ISSUANCE_DATE = "Дата и время выдачи"
ISSUANCE_RECIPIENT = "Получатель"
ISSUANCE_BASIS = "Основание полномочий"
ISSUANCE_ISSUED_BY = "Результат выдал"
ISSUANCE_RECEIVED = "Результат получил(а)"
ISSUANCE_NO_CLAIMS = "Результат получен, претензий к его полноте и качеству не имею."
ISSUANCE_MISSING = "у заявления {number} нет сведений о выдаче результата"

# --- version check ------------------------------------------------------------------------
WRONG_CATALOG = (
    "заявление {number} заполнено по каталогу версии {wanted}, а передан каталог версии {given}: "
    "печатайте по той версии, по которой заявление заполнено"
)
WRONG_FORM = (
    "заявление {number} заполнено по форме {wanted}, а в каталоге {catalog} форма {given}"
)
UNKNOWN_SERVICE = "в каталоге {catalog} нет услуги «{service}» (заявление {number})"
EMPTY_BUNDLE = "нет ни одного заявления для расписки"

# --- printers -----------------------------------------------------------------------------
PRINTER_NOT_FOUND = "Принтер «{printer}» не найден. Проверьте имя принтера или выберите другой."
PRINTER_NO_DEFAULT = "Принтер по умолчанию не задан. Выберите принтер в настройках печати."
PRINTER_DISABLED = "Принтер «{printer}» остановлен или не в сети. Включите его и повторите печать."
PRINTER_REFUSES = "Принтер «{printer}» не принимает задания. Обратитесь к администратору."
PRINTER_FAILED = "Не удалось отправить документ на печать ({printer}): {detail}"
PRINT_SYSTEM_MISSING = (
    "Система печати не найдена: не установлена служба CUPS (команды lp и lpstat). "
    "Обратитесь к администратору."
)
PRINT_SYSTEM_DOWN = "Служба печати не отвечает. Обратитесь к администратору."
PRINT_TIMEOUT = "Служба печати не ответила вовремя ({printer})."
PDF_KEPT = "Документ сохранён и может быть напечатан позже: {path}"
DEFAULT_PRINTER = "по умолчанию"
