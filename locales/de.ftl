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

page-language = Sprache
page-try-again-title = Bitte erneut versuchen
page-try-again = Das hat gerade nicht geklappt. Bitte versuche es in einer Minute noch einmal.
page-save-failed = Das konnte gerade nicht gespeichert werden. Bitte versuche es in einer Minute noch einmal.
page-link-not-valid = Link ungültig
page-join-gone = Dieser Beitrittslink funktioniert nicht (mehr). Frag die Organisatorin oder den Organisator der Gruppe nach dem aktuellen Link.
page-join-title = { $route } beitreten
page-join-events = Du bekommst eine Nachricht, wenn { $events }.
page-event-created = ein Meeting geplant wird
page-event-started = ein Meeting beginnt
page-event-ended = ein Meeting endet
page-event-updated = ein Meeting geändert wird
page-event-deleted = ein Meeting abgesagt wird
page-list-separator = { ", " }
page-join-filter-topic = Nur Meetings, deren Titel „{ $text }“ enthält.
page-join-filter-some = Nur einige Meetings der Gemeinschaft.
page-join-telegram = Über Telegram
page-join-telegram-button = Telegram öffnen und auf Starten tippen
page-join-email = Per E-Mail
page-join-email-label = Deine E-Mail-Adresse
page-join-email-button = Bestätigungs-E-Mail senden
page-join-email-note = Wir schicken dir zuerst eine einzige E-Mail. Sonst kommt nichts, bis du darin auf Bestätigen drückst. Jede Benachrichtigung enthält einen Link, um sie zu pausieren oder abzubestellen.
page-join-closed = Hier kann man noch nicht beitreten. Frag die Organisatorin oder den Organisator der Gruppe.
page-email-missing = Bitte gib deine E-Mail-Adresse in das Feld ein.
page-email-empty = Bitte gib deine E-Mail-Adresse ein.
page-email-too-long = Diese Adresse ist zu lang für eine E-Mail-Adresse.
page-email-not-plain = Bitte gib genau eine Adresse ein, ohne Zusätze, etwa name@beispiel.org.
page-email-spaces = Eine E-Mail-Adresse enthält keine Leerzeichen oder Zeilenumbrüche.
page-email-no-at = Das sieht nicht wie eine E-Mail-Adresse aus (es fehlt das @).
page-email-invalid = Das sieht nicht wie eine E-Mail-Adresse aus.
page-email-no-mail = Das Relay dieser Gemeinschaft verschickt keine E-Mails.
page-wait-title = Bitte warte einen Moment
page-wait = Gerade kamen viele Anmeldungen aus deinem Netzwerk. Bitte versuche es in zehn Minuten noch einmal.
page-check-title = Schau in dein Postfach
page-check = Wenn { $address } Benachrichtigungen von { $route } bekommen kann, ist eine E-Mail unterwegs. Öffne sie und drücke innerhalb von 48 Stunden auf Bestätigen.
page-check-spam = Nach ein paar Minuten ist nichts angekommen? Schau im Spam-Ordner nach. Morgen kannst du es noch einmal anfordern.
page-confirm-bad = Dieser Bestätigungslink funktioniert nicht. Links gelten 48 Stunden: Fordere über die Beitrittsseite der Gruppe einen neuen an.
page-confirm-title = Benachrichtigungen bestätigen
page-confirm-question = Benachrichtigungen von { $route } an { $address } senden?
page-confirm-button = Bestätigen
page-confirmed-title = Du bist dabei
page-confirmed = { $address } bekommt jetzt Benachrichtigungen von { $route }.
page-confirmed-manage = Jede Benachrichtigung enthält einen Link, um sie zu pausieren oder abzubestellen. Du kannst auch diese Seite nutzen:
page-confirmed-manage-link = deine Benachrichtigungen
page-route-gone-title = Gruppe nicht gefunden
page-route-gone = Die Benachrichtigungen dieser Gruppe wurden von der Organisation entfernt, es gibt also nichts zu bestätigen.
page-manage-bad = Dieser Link funktioniert nicht. Nutze den Link am Ende einer aktuellen Benachrichtigung.
page-manage-title = Deine Benachrichtigungen
page-manage-active = { $address } bekommt Benachrichtigungen von { $route }.
page-manage-paused = Benachrichtigungen von { $route } an { $address } sind pausiert bis { $date }.
page-manage-pending = { $address } ist für { $route } noch nicht bestätigt: Drücke in der E-Mail, die wir geschickt haben, auf Bestätigen.
page-manage-none = { $address } bekommt keine Benachrichtigungen von { $route }. Um wieder beizutreten, nutze die Beitrittsseite der Gruppe.
page-pause-week = Eine Woche pausieren
page-pause-month = Einen Monat pausieren
page-resume = Jetzt fortsetzen
page-stop = Diese Benachrichtigungen abbestellen
page-manage-use-buttons = Bitte nutze einen der Knöpfe auf der Seite.
page-done-stopped = Erledigt: keine Benachrichtigungen mehr.
page-done-resumed = Die Benachrichtigungen sind wieder an.
page-done-paused = Pausiert bis { $date }.
page-done-nothing = Es gibt nichts zu ändern.
page-unsubscribe-bad = Dieser Abmeldelink ist ungültig. Nutze den Link aus einer aktuellen Benachrichtigung.
page-unsubscribe-title = Abmelden
page-unsubscribe-question = Keine Benachrichtigungen von { $route } mehr an { $address } senden?
page-unsubscribe-button = Abmelden
page-unsubscribed-title = Abgemeldet
page-unsubscribed = { $address } bekommt keine Benachrichtigungen von { $route } mehr.
mail-confirm-subject = Bitte bestätigen: Benachrichtigungen von { $route }
mail-confirm-why-member = Jemand (hoffentlich du) möchte Benachrichtigungen von „{ $route }“ bekommen.
mail-confirm-why-organizer = Jemand aus der Organisation von „{ $route }“ hat diese Adresse zu den Meeting-Benachrichtigungen hinzugefügt.
mail-confirm-open = Um sie zu bekommen, öffne diesen Link und drücke auf Bestätigen (er gilt 48 Stunden):
mail-confirm-button = Bestätigen und Benachrichtigungen bekommen
mail-confirm-expires = Der Link gilt 48 Stunden.
mail-confirm-ignore = Wenn du das nicht angefordert hast, ignoriere diese E-Mail: Du bekommst dann nichts mehr von uns.
mail-footer-manage = Diese Benachrichtigungen pausieren oder abbestellen
