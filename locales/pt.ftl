# zoom-relay: catálogo de mensagens em português. Identificadores e variáveis: os de en.ftl.

## Language facts (not shown as sentences)

meta-name = Português
meta-direction = ltr
meta-locale-data = pt_BR

## Dates and times

time-date = %A, %-d de %B
time-date-short = %a, %-d %b
time-date-time = { $date } às { $time }
relative-now = agora mesmo
relative-minutes-future = { $count ->
    [one] em { $count } minuto
   *[other] em { $count } minutos
}
relative-minutes-past = { $count ->
    [one] há { $count } minuto
   *[other] há { $count } minutos
}
relative-hours-future = { $count ->
    [one] em { $count } hora
   *[other] em { $count } horas
}
relative-hours-past = { $count ->
    [one] há { $count } hora
   *[other] há { $count } horas
}
relative-days-future = { $count ->
    [one] em { $count } dia
   *[other] em { $count } dias
}
relative-days-past = { $count ->
    [one] há { $count } dia
   *[other] há { $count } dias
}
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-under-a-minute = menos de um minuto

## Alerts: the default templates of every event and channel

alert-untitled = Reunião sem título
alert-meeting-number = Reunião { $id }
alert-created-headline = Nova reunião:
alert-created-subject = Nova reunião: { $topic }
alert-started-headline = A reunião começou:
alert-started-subject = Começa agora: { $topic }
alert-ended-headline = A reunião terminou:
alert-ended-subject = Terminada: { $topic }
alert-updated-headline = Reunião alterada:
alert-updated-subject = Alterada: { $topic }
alert-deleted-headline = Reunião cancelada:
alert-deleted-subject = Cancelada: { $topic }
alert-when = Quando:
alert-started-at = Começou:
alert-ended-at = Terminou:
alert-lasted = Durou:
alert-length = Duração:
alert-was = (antes: { $old })
alert-renamed = Nome anterior:
alert-was-scheduled = Estava marcada para { $time }.
alert-join = Entrar na reunião
alert-join-label = Entrar:
alert-passcode = Senha:
alert-sent-for = Enviado pelo zoom-relay para “{ $route }”.
alert-unsubscribe = Cancelar inscrição
alert-unsubscribe-label = Cancelar inscrição:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
