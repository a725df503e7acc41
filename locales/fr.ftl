# zoom-relay : catalogue des messages en français. Identifiants et variables : ceux de en.ftl.

## Language facts (not shown as sentences)

meta-name = Français
meta-direction = ltr
meta-locale-data = fr_FR

## Dates and times

time-date = %A %-d %B
time-date-short = %a %-d %b
time-date-time = { $date } à { $time }
relative-now = à l’instant
relative-minutes-future = { $count ->
    [one] dans { $count } minute
   *[other] dans { $count } minutes
}
relative-minutes-past = { $count ->
    [one] il y a { $count } minute
   *[other] il y a { $count } minutes
}
relative-hours-future = { $count ->
    [one] dans { $count } heure
   *[other] dans { $count } heures
}
relative-hours-past = { $count ->
    [one] il y a { $count } heure
   *[other] il y a { $count } heures
}
relative-days-future = { $count ->
    [one] dans { $count } jour
   *[other] dans { $count } jours
}
relative-days-past = { $count ->
    [one] il y a { $count } jour
   *[other] il y a { $count } jours
}
duration-minutes = { $minutes } min
duration-hours = { $hours } h
duration-hours-minutes = { $hours } h { $minutes } min
duration-under-a-minute = moins d’une minute

## Alerts: the default templates of every event and channel

alert-untitled = Réunion sans titre
alert-meeting-number = Réunion { $id }
alert-created-headline = Nouvelle réunion :
alert-created-subject = Nouvelle réunion : { $topic }
alert-started-headline = La réunion a commencé :
alert-started-subject = Commence maintenant : { $topic }
alert-ended-headline = La réunion est terminée :
alert-ended-subject = Terminée : { $topic }
alert-updated-headline = Réunion modifiée :
alert-updated-subject = Modifiée : { $topic }
alert-deleted-headline = Réunion annulée :
alert-deleted-subject = Annulée : { $topic }
alert-when = Quand :
alert-started-at = Début :
alert-ended-at = Fin :
alert-lasted = Durée réelle :
alert-length = Durée :
alert-was = (avant : { $old })
alert-renamed = Ancien titre :
alert-was-scheduled = Elle était prévue le { $time }.
alert-join = Rejoindre la réunion
alert-join-label = Rejoindre :
alert-passcode = Code secret :
alert-sent-for = Envoyé par zoom-relay pour « { $route } ».
alert-unsubscribe = Se désabonner
alert-unsubscribe-label = Se désabonner :


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
