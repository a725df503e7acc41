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
