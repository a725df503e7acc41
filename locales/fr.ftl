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

page-language = Langue
page-try-again-title = Réessayez
page-try-again = Le relais n’a pas pu faire cela pour le moment. Réessayez dans une minute.
page-save-failed = Le relais n’a pas pu enregistrer cela pour le moment. Réessayez dans une minute.
page-link-not-valid = Lien non valide
page-join-gone = Ce lien d’inscription ne fonctionne pas (ou plus). Demandez le lien actuel à l’organisateur du groupe.
page-join-title = Rejoindre { $route }
page-join-events = Recevez un message quand : { $events }.
page-event-created = une réunion est programmée
page-event-started = la réunion commence
page-event-ended = la réunion se termine
page-event-updated = la réunion change
page-event-deleted = la réunion est annulée
page-list-separator = { ", " }
page-join-filter-topic = Seulement les réunions dont le titre contient « { $text } ».
page-join-filter-some = Seulement certaines réunions de la communauté.
page-join-telegram = Sur Telegram
page-join-telegram-button = Ouvrez Telegram et appuyez sur Démarrer
page-join-email = Par e-mail
page-join-email-label = Votre adresse e-mail
page-join-email-button = M’envoyer un e-mail de confirmation
page-join-email-note = Nous vous envoyons d’abord un seul e-mail. Rien d’autre n’arrive tant que vous n’y avez pas appuyé sur Confirmer. Chaque alerte contient un lien pour les mettre en pause ou les arrêter.
page-join-closed = Il n’est pas encore possible de s’inscrire ici. Demandez à l’organisateur du groupe.
page-email-missing = Saisissez votre adresse e-mail dans le champ.
page-email-empty = Saisissez votre adresse e-mail.
page-email-too-long = Cette adresse est trop longue pour être une adresse e-mail.
page-email-not-plain = Saisissez une seule adresse, sans rien d’autre, comme nom@exemple.org.
page-email-spaces = Une adresse e-mail ne contient ni espace ni retour à la ligne.
page-email-no-at = Cela ne ressemble pas à une adresse e-mail (il n’y a pas de @).
page-email-invalid = Cela ne ressemble pas à une adresse e-mail.
page-email-no-mail = Le relais de cette communauté n’envoie pas d’e-mails.
page-wait-title = Patientez un peu
page-wait = De nombreuses inscriptions viennent d’arriver depuis votre réseau. Réessayez dans dix minutes.
page-check-title = Consultez votre boîte de réception
page-check = Si { $address } peut recevoir les alertes de { $route }, un e-mail est en route. Ouvrez-le et appuyez sur Confirmer dans les 48 heures.
page-check-spam = Rien reçu après quelques minutes ? Regardez dans le dossier des indésirables. Vous pourrez redemander demain.
page-confirm-bad = Ce lien de confirmation ne fonctionne pas. Les liens sont valables 48 heures : redemandez depuis la page d’inscription du groupe.
page-confirm-title = Confirmez vos alertes
page-confirm-question = Envoyer les alertes de { $route } à { $address } ?
page-confirm-button = Confirmer
page-confirmed-title = C’est fait, vous êtes inscrit
page-confirmed = { $address } reçoit désormais les alertes de { $route }.
page-confirmed-manage = Chaque alerte contient un lien pour les mettre en pause ou les arrêter. Vous pouvez aussi utiliser cette page :
page-confirmed-manage-link = vos alertes
page-route-gone-title = Groupe introuvable
page-route-gone = L’organisateur de ce groupe a supprimé ses alertes : il n’y a rien à confirmer.
page-manage-bad = Ce lien ne fonctionne pas. Utilisez le lien en bas d’une alerte récente.
page-manage-title = Vos alertes
page-manage-active = { $address } reçoit les alertes de { $route }.
page-manage-paused = Les alertes de { $route } vers { $address } sont en pause jusqu’au { $date }.
page-manage-pending = { $address } n’est pas encore confirmée pour { $route } : appuyez sur Confirmer dans l’e-mail que nous avons envoyé.
page-manage-none = { $address } ne reçoit aucune alerte de { $route }. Pour vous réinscrire, utilisez la page d’inscription du groupe.
page-pause-week = Pause d’une semaine
page-pause-month = Pause d’un mois
page-resume = Reprendre maintenant
page-stop = Arrêter ces alertes
page-manage-use-buttons = Utilisez l’un des boutons de la page.
page-done-stopped = C’est fait : plus aucune alerte.
page-done-resumed = Les alertes sont de nouveau actives.
page-done-paused = En pause jusqu’au { $date }.
page-done-nothing = Rien à changer.
page-unsubscribe-bad = Ce lien de désinscription n’est pas valide. Utilisez le lien d’une alerte récente.
page-unsubscribe-title = Se désinscrire
page-unsubscribe-question = Ne plus envoyer les alertes de { $route } à { $address } ?
page-unsubscribe-button = Me désinscrire
page-unsubscribed-title = Désinscription faite
page-unsubscribed = { $address } ne recevra plus d’alertes de { $route }.
mail-confirm-subject = Merci de confirmer : alertes de { $route }
mail-confirm-why-member = Quelqu’un (vous, nous l’espérons) a demandé à recevoir les alertes de « { $route } ».
mail-confirm-why-organizer = Un organisateur de « { $route } » a ajouté cette adresse à ses alertes de réunion.
mail-confirm-open = Pour commencer à les recevoir, ouvrez ce lien et appuyez sur Confirmer (il est valable 48 heures) :
mail-confirm-button = Confirmer et recevoir les alertes
mail-confirm-expires = Le lien est valable 48 heures.
mail-confirm-ignore = Si vous n’avez rien demandé, ignorez cet e-mail : vous ne recevrez plus rien de notre part.
mail-footer-manage = Mettre en pause ou arrêter ces alertes
