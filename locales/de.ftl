# zoom-relay: Nachrichtenkatalog auf Deutsch. IDs und Variablen wie in en.ftl.

## Language facts (not shown as sentences)

meta-name = Deutsch
meta-direction = ltr
meta-locale-data = de_DE

## Dates and times

time-date = %A, %-d. %B
time-date-short = %a, %-d. %b
time-date-time = { $date } um { $time }
relative-now = gerade eben
relative-minutes-future = { $count ->
    [one] in { $count } Minute
   *[other] in { $count } Minuten
}
relative-minutes-past = { $count ->
    [one] vor { $count } Minute
   *[other] vor { $count } Minuten
}
relative-hours-future = { $count ->
    [one] in { $count } Stunde
   *[other] in { $count } Stunden
}
relative-hours-past = { $count ->
    [one] vor { $count } Stunde
   *[other] vor { $count } Stunden
}
relative-days-future = { $count ->
    [one] in { $count } Tag
   *[other] in { $count } Tagen
}
relative-days-past = { $count ->
    [one] vor { $count } Tag
   *[other] vor { $count } Tagen
}
duration-minutes = { $minutes } Min.
duration-hours = { $hours } Std.
duration-hours-minutes = { $hours } Std. { $minutes } Min.
duration-under-a-minute = weniger als eine Minute

## Alerts: the default templates of every event and channel

alert-untitled = Meeting ohne Titel
alert-meeting-number = Meeting { $id }
alert-created-headline = Neues Meeting:
alert-created-subject = Neues Meeting: { $topic }
alert-started-headline = Das Meeting hat begonnen:
alert-started-subject = Beginnt jetzt: { $topic }
alert-ended-headline = Das Meeting ist beendet:
alert-ended-subject = Beendet: { $topic }
alert-updated-headline = Meeting geändert:
alert-updated-subject = Geändert: { $topic }
alert-deleted-headline = Meeting abgesagt:
alert-deleted-subject = Abgesagt: { $topic }
alert-when = Wann:
alert-started-at = Begonnen:
alert-ended-at = Beendet:
alert-lasted = Gedauert:
alert-length = Länge:
alert-was = (vorher: { $old })
alert-renamed = Früherer Titel:
alert-was-scheduled = Es war für { $time } geplant.
alert-join = Am Meeting teilnehmen
alert-join-label = Teilnehmen:
alert-passcode = Kenncode:
alert-sent-for = Gesendet von zoom-relay für „{ $route }“.
alert-unsubscribe = Abmelden
alert-unsubscribe-label = Abmelden:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)
