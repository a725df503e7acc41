# zoom-relay: catálogo de mensajes en español. Los identificadores y las variables son los de en.ftl.

## Language facts (not shown as sentences)

meta-name = Español
meta-direction = ltr
meta-locale-data = es_ES

## Dates and times

time-date = %A, %-d de %B
time-date-short = %a %-d %b
time-date-time = { $date }, { $time }
relative-now = ahora mismo
relative-minutes-future = { $count ->
    [one] dentro de { $count } minuto
   *[other] dentro de { $count } minutos
}
relative-minutes-past = { $count ->
    [one] hace { $count } minuto
   *[other] hace { $count } minutos
}
relative-hours-future = { $count ->
    [one] dentro de { $count } hora
   *[other] dentro de { $count } horas
}
relative-hours-past = { $count ->
    [one] hace { $count } hora
   *[other] hace { $count } horas
}
relative-days-future = { $count ->
    [one] dentro de { $count } día
   *[other] dentro de { $count } días
}
relative-days-past = { $count ->
    [one] hace { $count } día
   *[other] hace { $count } días
}
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-under-a-minute = menos de un minuto

## Alerts: the default templates of every event and channel

alert-untitled = Reunión sin título
alert-meeting-number = Reunión { $id }
alert-created-headline = Nueva reunión:
alert-created-subject = Nueva reunión: { $topic }
alert-started-headline = La reunión ha empezado:
alert-started-subject = Empieza ahora: { $topic }
alert-ended-headline = La reunión ha terminado:
alert-ended-subject = Terminada: { $topic }
alert-updated-headline = Reunión modificada:
alert-updated-subject = Modificada: { $topic }
alert-deleted-headline = Reunión cancelada:
alert-deleted-subject = Cancelada: { $topic }
alert-when = Cuándo:
alert-started-at = Empezó:
alert-ended-at = Terminó:
alert-lasted = Duró:
alert-length = Duración:
alert-was = (antes: { $old })
alert-renamed = Antes se llamaba:
alert-was-scheduled = Estaba prevista para el { $time }.
alert-join = Unirse a la reunión
alert-join-label = Unirse:
alert-passcode = Código de acceso:
alert-sent-for = Enviado por zoom-relay para «{ $route }».
alert-unsubscribe = Darse de baja
alert-unsubscribe-label = Darse de baja:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
