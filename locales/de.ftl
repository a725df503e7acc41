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
# Das Befehlsmenü (setMyCommands): reiner Text, höchstens 256 Zeichen je Befehl.
bot-cmd-start = Mit einem Code abonnieren, oder sehen, was ich tue
bot-cmd-subscribe = Mit einem Code deines Organisators abonnieren
bot-cmd-list = Deine Abos
bot-cmd-mute = Meldungen eine Weile pausieren: /mute 2h, /mute off
bot-cmd-unsubscribe = Meldungen beenden: alle, oder /unsubscribe ROUTE
bot-cmd-language = Meine Sprache wählen: /language de
bot-cmd-help = Was ich kann
bot-cmd-link = Admins: die Meldungen einer Route hier posten (/link CODE)
bot-cmd-unlink = Admins: hier keine Meldungen mehr posten
bot-cmd-status = Welche Routen hier posten
# Hilfe und Begrüßung. Befehlsnamen (/list, /mute) werden nicht übersetzt.
bot-help-private =
    <b>Befehle</b>
    /subscribe CODE – die Meldungen einer Route hier bekommen
    /list – deine Abos
    /mute 2h – Meldungen eine Weile pausieren (30m, 2h, 1d, ...); /mute off – fortsetzen
    /unsubscribe – alle Meldungen beenden; /unsubscribe ROUTE – eine beenden
    /language – meine Sprache wählen
    /help – diese Liste
bot-help-organizers = Organisatoren: /routes, /test ROUTE, /pause ROUTE, /resume ROUTE, /notices, /leave
bot-help-group =
    <b>Befehle in einer Gruppe</b>
    /link CODE – Admins: die Meldungen einer Route in diesem Chat oder Thema posten
    /unlink – Admins: hier keine Meldungen mehr posten (oder /unlink ROUTE)
    /status – welche Routen hier posten
    /language – die Sprache wählen, in der ich dir antworte
bot-help-group-private = Für persönliche Meldungen schreib mir privat.
bot-welcome-hello = Hallo! Ich poste Meldungen, wenn Zoom-Meetings beginnen.
bot-welcome-how = Um sie hier zu bekommen, öffne den Link, den dein Organisator geteilt hat, oder sende <code>/subscribe CODE</code> mit dem Code, den du bekommen hast.
bot-subscribe-how = Sende <code>/subscribe CODE</code> mit dem Code deines Organisators, oder öffne den Link, den er geteilt hat.
bot-private-only = Persönliche Meldungen verwaltest du in einem privaten Chat: öffne { $bot } und sende /start.
bot-private-only-unnamed = Persönliche Meldungen verwaltest du in einem privaten Chat: schreib mir privat und sende /start.
bot-group-only = Das geht in einer Gruppe: füge mich der Gruppe (oder dem Forenthema) hinzu und sende es dort.
bot-unknown-command = /{ $command } kenne ich nicht.
bot-wrong-bot-own = Diese Community hat jetzt einen eigenen Bot, @{ $bot }. Öffne https://t.me/{ $bot } und sende dort <code>{ $command } CODE</code> (für eine Gruppe füge @{ $bot } zuerst der Gruppe hinzu). Der Code wurde nicht verbraucht.
bot-wrong-bot-other = Dieser Code gehört zum Bot einer anderen Community. Der Code wurde nicht verbraucht.
bot-code-unknown = Diesen Code kenne ich nicht. Prüfe ihn auf Tippfehler oder bitte deinen Organisator um einen neuen. Es wurde nichts geändert.
bot-code-expired = Dieser Code ist abgelaufen. Bitte deinen Organisator um einen neuen. Es wurde nichts geändert.
bot-code-used = Dieser Code wurde schon verwendet; jeder Link und jeder Organisator-Code gilt nur einmal. Bitte deinen Organisator um einen neuen. Es wurde nichts geändert.
bot-code-revoked = Der Organisator hat diesen Code zurückgezogen. Bitte ihn um einen gültigen. Es wurde nichts geändert.
bot-code-is-link = Das ist ein Code zum Verknüpfen einer Gruppe: füge mich der Gruppe (oder dem Forenthema) hinzu und sende dort <code>/link CODE</code>.
bot-code-is-subscribe = Das ist ein Abo-Code: sende ihn mir in einem privaten Chat, um die Meldungen selbst zu bekommen.
bot-code-is-organizer = Das ist ein Organisator-Code: sende ihn mir in einem privaten Chat.
bot-route-gone = Die Route zu diesem Code gibt es nicht mehr. Bitte deinen Organisator um einen neuen Code. Es wurde nichts geändert.
bot-refused-not-found = Das habe ich nicht gefunden, deshalb wurde nichts geändert. (<i>{ $detail }</i>)
bot-refused-conflict = Im selben Moment hat sich etwas geändert, deshalb wurde nichts geändert; bitte versuch es noch einmal. (<i>{ $detail }</i>)
bot-refused-invalid = Das geht nicht, deshalb wurde nichts geändert. (<i>{ $detail }</i>)
bot-organizer-welcome =
    Du bist jetzt Organisator dieses Zoom-Kontos. Neue Hinweise (ein entfernter Bot, ein fehlschlagender Webhook) kommen hierher.

    /routes – die Routen des Kontos
    /test ROUTE – eine Beispielmeldung in diesem Chat
    /pause ROUTE, /resume ROUTE
    /notices – aktuelle Probleme
    /leave – kein Organisator mehr sein
bot-already-subscribed = Du hast <b>{ $route }</b> schon abonniert. /list zeigt deine Abos.
bot-subscribed =
    <b>{ $route }</b> abonniert. Du bekommst die Meldungen hier.

    /mute 2h pausiert sie, /unsubscribe beendet sie.
bot-no-subscriptions = Du hast keine Abos. Sende <code>/subscribe CODE</code> mit einem Code deines Organisators.
bot-list-title = <b>Deine Abos</b>
bot-list-paused = (vom Organisator pausiert)
bot-list-muted = Stumm bis { $time }. /mute off setzt die Meldungen fort.
bot-not-subscribed-to = Du hast keine Route namens <b>{ $route }</b> abonniert. /list zeigt deine Abos.
bot-nothing-to-unsubscribe = Du hast keine Abos.
bot-unsubscribed = { $count ->
    [one] Abo von { $routes } beendet. Du bekommst ihre Meldungen nicht mehr.
   *[other] Abos von { $routes } beendet. Du bekommst ihre Meldungen nicht mehr.
}
bot-unmute-not-muted = Die Meldungen waren nicht stummgeschaltet.
bot-unmuted = Die Meldungen sind wieder an.
bot-mute-how = Wie lange? Zum Beispiel <code>/mute 2h</code>, <code>/mute 30m</code> oder <code>/mute 1d</code>. <code>/mute off</code> setzt die Meldungen fort.
bot-mute-bad = <code>{ $input }</code> kann ich nicht als Dauer lesen. Nimm eine Zahl mit Einheit, etwa 30m, 2h, 1h30m oder 3d (höchstens { $max }).
bot-mute-nothing = Du hast keine Abos, die man stummschalten könnte.
bot-muted = Stumm für { $duration }, bis { $time }. /mute off setzt die Meldungen früher fort.
bot-unit-days = { $count } T.
bot-unit-hours = { $count } Std.
bot-unit-minutes = { $count } Min.
bot-unit-seconds = { $count } Sek.
bot-language-title = <b>Sprachen</b>
bot-language-chosen = Ich spreche { $name } mit dir, wie du es gewählt hast.
bot-language-telegram = Ich spreche { $name } mit dir, die Sprache deiner Telegram-App.
bot-language-how = Sende <code>/language CODE</code>, um zu wechseln, zum Beispiel <code>/language es</code>, oder <code>/language auto</code>, um wieder der Sprache deiner Telegram-App zu folgen.
bot-language-set = Ab jetzt spreche ich { $name } mit dir. <code>/language auto</code> folgt wieder der Sprache deiner Telegram-App.
bot-language-auto = Ich folge wieder der Sprache deiner Telegram-App: { $name }.
bot-language-unknown = <code>{ $input }</code> spreche ich nicht.
bot-admin-check-failed = Ich konnte deine Admin-Rechte gerade nicht bei Telegram prüfen. Versuch es in einer Minute noch einmal.
bot-admins-only = Das kann nur ein Administrator dieser Gruppe.
bot-link-how = Sende <code>/link CODE</code> mit dem Verknüpfungscode deines Organisators (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Verknüpft: <b>{ $route }</b> postet seine Meldungen jetzt in diesem Thema. /unlink beendet das.
   *[chat] Verknüpft: <b>{ $route }</b> postet seine Meldungen jetzt in diesem Chat. /unlink beendet das.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> postet schon in diesem Thema. Der Code wurde nicht verbraucht.
   *[chat] <b>{ $route }</b> postet schon in diesem Chat. Der Code wurde nicht verbraucht.
}
bot-other-community = Dieser Chat ist mit einer anderen Community verknüpft, deshalb kann ich die Meldungen dieser Route hier nicht posten. Ein Administrator der Gruppe kann zuerst /unlink senden, um ihn freizugeben. Der Code wurde nicht verbraucht.
bot-nothing-posts = { $place ->
    [topic] In diesem Thema postet keine Route.
   *[chat] In diesem Chat postet keine Route.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Getrennt: { $routes } postet nicht mehr in diesem Thema.
       *[other] Getrennt: { $routes } posten nicht mehr in diesem Thema.
    }
   *[chat] { $count ->
        [one] Getrennt: { $routes } postet nicht mehr in diesem Chat.
       *[other] Getrennt: { $routes } posten nicht mehr in diesem Chat.
    }
}
bot-status-none = { $place ->
    [topic] In diesem Thema postet keine Route. Ein Administrator kann mit <code>/link CODE</code> eine hinzufügen.
   *[chat] In diesem Chat postet keine Route. Ein Administrator kann mit <code>/link CODE</code> eine hinzufügen.
}
bot-status-title = { $place ->
    [topic] <b>Routen, die in diesem Thema posten</b>
   *[chat] <b>Routen, die in diesem Chat posten</b>
}
bot-paused = (pausiert)
bot-organizers-only = Dieser Befehl ist leider für Organisatoren. Ein Organisator-Code vom Betreiber des Relays (<code>zoom-relay codes create --kind organizer</code>) macht dich zu einem.
bot-name-the-route = Nenne die Route, zum Beispiel <code>/pause Weekly sync</code>. /routes listet sie auf.
bot-no-such-route = In deinen Konten gibt es keine Route namens <b>{ $route }</b>. /routes listet sie auf.
bot-route-ambiguous = Mehrere deiner Konten haben eine Route namens <b>{ $route }</b>; benenne eine mit der CLI um.
bot-no-routes = Deine Konten haben noch keine Routen.
bot-routes-title = <b>Routen</b>
bot-destinations = { $count ->
    [one] { $count } Ziel
   *[other] { $count } Ziele
}
bot-already-running = <b>{ $route }</b> läuft schon.
bot-already-paused = <b>{ $route }</b> ist schon pausiert.
bot-resumed = <b>{ $route }</b> läuft wieder.
bot-paused-now = <b>{ $route }</b> ist pausiert: keine Meldungen bis /resume.
bot-no-notices = Keine Hinweise: nichts braucht deine Aufmerksamkeit.
bot-notices-title = <b>Aktuelle Hinweise</b>
bot-left = { $count ->
    [one] Du bist kein Organisator mehr ({ $count } Konto): keine Hinweise mehr hier, und die Organisator-Befehle sind aus. Ein Organisator-Code macht dich wieder zu einem.
   *[other] Du bist kein Organisator mehr ({ $count } Konten): keine Hinweise mehr hier, und die Organisator-Befehle sind aus. Ein Organisator-Code macht dich wieder zu einem.
}
bot-test-failed = Die Beispielnachricht { $event } von <b>{ $route }</b> ließ sich nicht erzeugen; prüfe ihre Vorlagen mit <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>Hinweis</b>:
bot-notice-route = ⚠️ <b>Hinweis</b>, Route <b>{ $route }</b>:


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
