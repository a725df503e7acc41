# zoom-relay: каталог сообщений на русском. Идентификаторы и переменные — как в en.ftl.

## Language facts (not shown as sentences)

meta-name = Русский
meta-direction = ltr
meta-locale-data = ru_RU

## Dates and times

time-date = %A, %-d %B
time-date-short = %a, %-d %b
time-date-time = { $date }, { $time }
relative-now = только что
relative-minutes-future = { $count ->
    [one] через { $count } минуту
    [few] через { $count } минуты
   *[many] через { $count } минут
}
relative-minutes-past = { $count ->
    [one] { $count } минуту назад
    [few] { $count } минуты назад
   *[many] { $count } минут назад
}
relative-hours-future = { $count ->
    [one] через { $count } час
    [few] через { $count } часа
   *[many] через { $count } часов
}
relative-hours-past = { $count ->
    [one] { $count } час назад
    [few] { $count } часа назад
   *[many] { $count } часов назад
}
relative-days-future = { $count ->
    [one] через { $count } день
    [few] через { $count } дня
   *[many] через { $count } дней
}
relative-days-past = { $count ->
    [one] { $count } день назад
    [few] { $count } дня назад
   *[many] { $count } дней назад
}
duration-minutes = { $minutes } мин
duration-hours = { $hours } ч
duration-hours-minutes = { $hours } ч { $minutes } мин
duration-under-a-minute = меньше минуты

## Alerts: the default templates of every event and channel

alert-untitled = Встреча без названия
alert-meeting-number = Встреча { $id }
alert-created-headline = Новая встреча:
alert-created-subject = Новая встреча: { $topic }
alert-started-headline = Встреча началась:
alert-started-subject = Начинается сейчас: { $topic }
alert-ended-headline = Встреча закончилась:
alert-ended-subject = Закончилась: { $topic }
alert-updated-headline = Встреча изменена:
alert-updated-subject = Изменена: { $topic }
alert-deleted-headline = Встреча отменена:
alert-deleted-subject = Отменена: { $topic }
alert-when = Когда:
alert-started-at = Началась:
alert-ended-at = Закончилась:
alert-lasted = Длилась:
alert-length = Длительность:
alert-was = (было: { $old })
alert-renamed = Прежнее название:
alert-was-scheduled = Она была запланирована на { $time }.
alert-join = Присоединиться к встрече
alert-join-label = Присоединиться:
alert-passcode = Код доступа:
alert-sent-for = Отправлено zoom-relay для «{ $route }».
alert-unsubscribe = Отписаться
alert-unsubscribe-label = Отписаться:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)

page-language = Язык
page-try-again-title = Попробуйте ещё раз
page-try-again = Сейчас это сделать не получилось. Попробуйте ещё раз через минуту.
page-save-failed = Сейчас это не удалось сохранить. Попробуйте ещё раз через минуту.
page-link-not-valid = Ссылка недействительна
page-join-gone = Эта ссылка для вступления не работает (больше). Попросите актуальную ссылку у организатора группы.
page-join-title = Вступить в «{ $route }»
page-join-events = Вы получите сообщение, когда { $events }.
page-event-created = встреча запланирована
page-event-started = встреча началась
page-event-ended = встреча закончилась
page-event-updated = встреча изменилась
page-event-deleted = встреча отменена
page-list-separator = { ", " }
page-join-filter-topic = Только встречи, в названии которых есть «{ $text }».
page-join-filter-some = Только некоторые встречи сообщества.
page-join-telegram = В Telegram
page-join-telegram-button = Откройте Telegram и нажмите «Запустить»
page-join-email = По электронной почте
page-join-email-label = Ваш адрес электронной почты
page-join-email-button = Прислать письмо для подтверждения
page-join-email-note = Сначала мы пришлём одно письмо. Больше ничего не придёт, пока вы не нажмёте в нём «Подтвердить». В каждом оповещении есть ссылка, чтобы приостановить или отключить их.
page-join-closed = Здесь пока нельзя вступить. Спросите организатора группы.
page-email-missing = Введите адрес электронной почты в поле.
page-email-empty = Введите адрес электронной почты.
page-email-too-long = Этот адрес слишком длинный для адреса электронной почты.
page-email-not-plain = Введите один адрес без лишнего, например name@example.org.
page-email-spaces = В адресе электронной почты не бывает пробелов и переносов строк.
page-email-no-at = Это не похоже на адрес электронной почты (в нём нет @).
page-email-invalid = Это не похоже на адрес электронной почты.
page-email-no-mail = Ретранслятор этого сообщества не отправляет письма.
page-wait-title = Подождите немного
page-wait = Из вашей сети только что пришло много заявок. Попробуйте ещё раз через десять минут.
page-check-title = Проверьте почту
page-check = Если { $address } может получать оповещения «{ $route }», письмо уже в пути. Откройте его и нажмите «Подтвердить» в течение 48 часов.
page-check-spam = Через несколько минут ничего не пришло? Загляните в папку «Спам». Запросить письмо снова можно завтра.
page-confirm-bad = Эта ссылка для подтверждения не работает. Ссылки действуют 48 часов: запросите новую на странице вступления в группу.
page-confirm-title = Подтвердите оповещения
page-confirm-question = Присылать оповещения «{ $route }» на { $address }?
page-confirm-button = Подтвердить
page-confirmed-title = Готово, вы в списке
page-confirmed = { $address } теперь получает оповещения «{ $route }».
page-confirmed-manage = В каждом оповещении есть ссылка, чтобы приостановить или отключить их. Ещё можно воспользоваться этой страницей:
page-confirmed-manage-link = ваши оповещения
page-route-gone-title = Группа не найдена
page-route-gone = Организатор удалил оповещения этой группы, так что подтверждать нечего.
page-manage-bad = Эта ссылка не работает. Воспользуйтесь ссылкой в конце недавнего оповещения.
page-manage-title = Ваши оповещения
page-manage-active = { $address } получает оповещения «{ $route }».
page-manage-paused = Оповещения «{ $route }» на { $address } приостановлены. Дата возобновления: { $date }.
page-manage-pending = { $address } ещё не подтверждён для «{ $route }»: нажмите «Подтвердить» в письме, которое мы отправили.
page-manage-none = { $address } не получает оповещения «{ $route }». Чтобы вступить снова, откройте страницу вступления в группу.
page-pause-week = Приостановить на неделю
page-pause-month = Приостановить на месяц
page-resume = Возобновить сейчас
page-stop = Отключить эти оповещения
page-manage-use-buttons = Воспользуйтесь одной из кнопок на странице.
page-done-stopped = Готово: оповещений больше не будет.
page-done-resumed = Оповещения снова включены.
page-done-paused = Приостановлено. Дата возобновления: { $date }.
page-done-nothing = Менять нечего.
page-unsubscribe-bad = Эта ссылка для отписки недействительна. Воспользуйтесь ссылкой из недавнего оповещения.
page-unsubscribe-title = Отписаться
page-unsubscribe-question = Больше не присылать оповещения «{ $route }» на { $address }?
page-unsubscribe-button = Отписаться
page-unsubscribed-title = Вы отписались
page-unsubscribed = { $address } больше не будет получать оповещения «{ $route }».
mail-confirm-subject = Подтвердите, пожалуйста: оповещения «{ $route }»
mail-confirm-why-member = Кто-то (надеемся, что вы) попросил присылать оповещения «{ $route }».
mail-confirm-why-organizer = Организатор «{ $route }» добавил этот адрес в рассылку оповещений о встречах.
mail-confirm-open = Чтобы начать их получать, откройте эту ссылку и нажмите «Подтвердить» (она действует 48 часов):
mail-confirm-button = Подтвердить и получать оповещения
mail-confirm-expires = Ссылка действует 48 часов.
mail-confirm-ignore = Если вы ничего не запрашивали, просто не обращайте внимания на это письмо: больше мы ничего не пришлём.
mail-footer-manage = Приостановить или отключить эти оповещения
