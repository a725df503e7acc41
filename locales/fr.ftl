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
# Le menu des commandes (setMyCommands) : texte brut, 256 caractères au plus chacune.
bot-cmd-start = S’abonner avec un code, ou voir ce que je fais
bot-cmd-subscribe = S’abonner avec un code de votre organisateur
bot-cmd-list = Vos abonnements
bot-cmd-mute = Suspendre les alertes un moment : /mute 2h, /mute off
bot-cmd-unsubscribe = Arrêter les alertes : toutes, ou /unsubscribe ROUTE
bot-cmd-language = Choisir ma langue : /language fr
bot-cmd-help = Ce que je sais faire
bot-cmd-link = Admins : publier ici les alertes d’une route (/link CODE)
bot-cmd-unlink = Admins : ne plus publier d’alertes ici
bot-cmd-status = Quelles routes publient ici
# Aide et accueil. Les noms des commandes (/list, /mute) ne se traduisent pas.
bot-help-private =
    <b>Commandes</b>
    /subscribe CODE – recevoir ici les alertes d’une route
    /list – vos abonnements
    /mute 2h – suspendre les alertes un moment (30m, 2h, 1d, ...) ; /mute off – les reprendre
    /unsubscribe – arrêter toutes les alertes ; /unsubscribe ROUTE – en arrêter une
    /language – choisir ma langue
    /help – cette liste
bot-help-organizers = Organisateurs : /routes, /test ROUTE, /pause ROUTE, /resume ROUTE, /notices, /leave
bot-help-group =
    <b>Commandes dans un groupe</b>
    /link CODE – admins : publier les alertes d’une route dans ce chat ou ce sujet
    /unlink – admins : ne plus publier d’alertes ici (ou /unlink ROUTE)
    /status – quelles routes publient ici
    /language – choisir la langue dans laquelle je vous réponds
bot-help-group-private = Pour des alertes personnelles, écrivez-moi en privé.
bot-welcome-hello = Bonjour ! Je publie des alertes quand des réunions Zoom commencent.
bot-welcome-how = Pour les recevoir ici, ouvrez le lien partagé par votre organisateur, ou envoyez <code>/subscribe CODE</code> avec le code qu’il vous a donné.
bot-subscribe-how = Envoyez <code>/subscribe CODE</code> avec le code que votre organisateur vous a donné, ou ouvrez le lien qu’il a partagé.
bot-private-only = Les alertes personnelles se gèrent dans un chat privé : ouvrez { $bot } et envoyez /start.
bot-private-only-unnamed = Les alertes personnelles se gèrent dans un chat privé : écrivez-moi en privé et envoyez /start.
bot-group-only = Cela fonctionne dans un groupe : ajoutez-moi au groupe (ou au sujet du forum) et envoyez-le là-bas.
bot-unknown-command = Je ne connais pas /{ $command }.
bot-wrong-bot-own = Cette communauté a désormais son propre bot, @{ $bot }. Ouvrez https://t.me/{ $bot } et envoyez-y <code>{ $command } CODE</code> (pour un groupe, ajoutez d’abord @{ $bot } au groupe). Le code n’a pas été utilisé.
bot-wrong-bot-other = Ce code appartient au bot d’une autre communauté. Le code n’a pas été utilisé.
bot-code-unknown = Je ne reconnais pas ce code. Vérifiez qu’il n’y a pas de faute de frappe, ou demandez-en un nouveau à votre organisateur. Rien n’a été modifié.
bot-code-expired = Ce code a expiré. Demandez-en un nouveau à votre organisateur. Rien n’a été modifié.
bot-code-used = Ce code a déjà servi ; chaque lien ou code d’organisateur ne fonctionne qu’une fois. Demandez-en un nouveau à votre organisateur. Rien n’a été modifié.
bot-code-revoked = L’organisateur a retiré ce code. Demandez-lui un code valide. Rien n’a été modifié.
bot-code-is-link = C’est un code de liaison de groupe : ajoutez-moi au groupe (ou au sujet du forum) et envoyez-y <code>/link CODE</code>.
bot-code-is-subscribe = C’est un code d’abonnement : envoyez-le-moi dans un chat privé pour recevoir les alertes vous-même.
bot-code-is-organizer = C’est un code d’organisateur : envoyez-le-moi dans un chat privé.
bot-route-gone = La route de ce code n’existe plus. Demandez un nouveau code à votre organisateur. Rien n’a été modifié.
bot-refused-not-found = Je ne l’ai pas trouvé, donc rien n’a été modifié. (<i>{ $detail }</i>)
bot-refused-conflict = Quelque chose a changé au même moment, donc rien n’a été modifié ; réessayez. (<i>{ $detail }</i>)
bot-refused-invalid = Ce n’est pas possible, donc rien n’a été modifié. (<i>{ $detail }</i>)
bot-organizer-welcome =
    Vous êtes maintenant organisateur de ce compte Zoom. Les nouvelles notifications (un bot retiré, un webhook en échec) arriveront ici.

    /routes – les routes du compte
    /test ROUTE – une alerte d’exemple dans ce chat
    /pause ROUTE, /resume ROUTE
    /notices – les problèmes récents
    /leave – ne plus être organisateur
bot-already-subscribed = Vous êtes déjà abonné à <b>{ $route }</b>. /list affiche vos abonnements.
bot-subscribed =
    Abonnement à <b>{ $route }</b> confirmé. Vous recevrez ses alertes ici.

    /mute 2h les suspend, /unsubscribe les arrête.
bot-no-subscriptions = Vous n’avez aucun abonnement. Envoyez <code>/subscribe CODE</code> avec un code de votre organisateur.
bot-list-title = <b>Vos abonnements</b>
bot-list-paused = (suspendue par l’organisateur)
bot-list-muted = En sourdine jusqu’au { $time }. /mute off reprend les alertes.
bot-not-subscribed-to = Vous n’êtes abonné à aucune route nommée <b>{ $route }</b>. /list affiche vos abonnements.
bot-nothing-to-unsubscribe = Vous n’avez aucun abonnement.
bot-unsubscribed = { $count ->
    [one] Désabonné de { $routes }. Vous ne recevrez plus ses alertes.
   *[other] Désabonné de { $routes }. Vous ne recevrez plus leurs alertes.
}
bot-unmute-not-muted = Les alertes n’étaient pas en sourdine.
bot-unmuted = Les alertes sont de retour.
bot-mute-how = Pour combien de temps ? Par exemple <code>/mute 2h</code>, <code>/mute 30m</code> ou <code>/mute 1d</code>. <code>/mute off</code> reprend les alertes.
bot-mute-bad = Je ne comprends pas <code>{ $input }</code> comme une durée. Utilisez un nombre suivi d’une unité, comme 30m, 2h, 1h30m ou 3d ({ $max } au plus).
bot-mute-nothing = Vous n’avez aucun abonnement à mettre en sourdine.
bot-muted = En sourdine pour { $duration }, jusqu’au { $time }. /mute off reprend les alertes plus tôt.
bot-unit-days = { $count } j
bot-unit-hours = { $count } h
bot-unit-minutes = { $count } min
bot-unit-seconds = { $count } s
bot-language-title = <b>Langues</b>
bot-language-chosen = Je vous parle en { $name }, comme vous l’avez choisi.
bot-language-telegram = Je vous parle en { $name }, la langue de votre application Telegram.
bot-language-how = Envoyez <code>/language CODE</code> pour changer, par exemple <code>/language es</code>, ou <code>/language auto</code> pour reprendre la langue de votre application Telegram.
bot-language-set = Désormais, je vous parle en { $name }. <code>/language auto</code> reprend la langue de votre application Telegram.
bot-language-auto = Je reprends la langue de votre application Telegram : { $name }.
bot-language-unknown = Je ne parle pas <code>{ $input }</code>.
bot-admin-check-failed = Je n’ai pas pu vérifier vos droits d’administrateur auprès de Telegram pour l’instant. Réessayez dans une minute.
bot-admins-only = Seul un administrateur de ce groupe peut faire cela.
bot-link-how = Envoyez <code>/link CODE</code> avec le code de liaison de votre organisateur (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Lié : <b>{ $route }</b> publie désormais ses alertes dans ce sujet. /unlink l’arrête.
   *[chat] Lié : <b>{ $route }</b> publie désormais ses alertes dans ce chat. /unlink l’arrête.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> publie déjà dans ce sujet. Le code n’a pas été utilisé.
   *[chat] <b>{ $route }</b> publie déjà dans ce chat. Le code n’a pas été utilisé.
}
bot-other-community = Ce chat est lié à une autre communauté, je ne peux donc pas y publier les alertes de cette route. Un administrateur du groupe peut d’abord envoyer /unlink pour le libérer. Le code n’a pas été utilisé.
bot-nothing-posts = { $place ->
    [topic] Aucune route ne publie dans ce sujet.
   *[chat] Aucune route ne publie dans ce chat.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Délié : { $routes } ne publie plus dans ce sujet.
       *[other] Délié : { $routes } ne publient plus dans ce sujet.
    }
   *[chat] { $count ->
        [one] Délié : { $routes } ne publie plus dans ce chat.
       *[other] Délié : { $routes } ne publient plus dans ce chat.
    }
}
bot-status-none = { $place ->
    [topic] Aucune route ne publie dans ce sujet. Un administrateur peut envoyer <code>/link CODE</code> pour en ajouter une.
   *[chat] Aucune route ne publie dans ce chat. Un administrateur peut envoyer <code>/link CODE</code> pour en ajouter une.
}
bot-status-title = { $place ->
    [topic] <b>Routes qui publient dans ce sujet</b>
   *[chat] <b>Routes qui publient dans ce chat</b>
}
bot-paused = (suspendue)
bot-organizers-only = Désolé, cette commande est réservée aux organisateurs. Un code d’organisateur fourni par l’opérateur du relais (<code>zoom-relay codes create --kind organizer</code>) vous rend organisateur.
bot-name-the-route = Indiquez la route, par exemple <code>/pause Weekly sync</code>. /routes les affiche.
bot-no-such-route = Aucune route nommée <b>{ $route }</b> dans vos comptes. /routes les affiche.
bot-route-ambiguous = Plusieurs de vos comptes ont une route nommée <b>{ $route }</b> ; renommez-en une avec la CLI.
bot-no-routes = Vos comptes n’ont pas encore de routes.
bot-routes-title = <b>Routes</b>
bot-destinations = { $count ->
    [one] { $count } destination
   *[other] { $count } destinations
}
bot-already-running = <b>{ $route }</b> est déjà active.
bot-already-paused = <b>{ $route }</b> est déjà suspendue.
bot-resumed = <b>{ $route }</b> est de nouveau active.
bot-paused-now = <b>{ $route }</b> est suspendue : aucune alerte jusqu’à /resume.
bot-no-notices = Aucune notification : rien ne demande votre attention.
bot-notices-title = <b>Notifications récentes</b>
bot-left = { $count ->
    [one] Vous n’êtes plus organisateur ({ $count } compte) : plus de notifications ici, et les commandes d’organisateur sont désactivées. Un code d’organisateur vous rend de nouveau organisateur.
   *[other] Vous n’êtes plus organisateur ({ $count } comptes) : plus de notifications ici, et les commandes d’organisateur sont désactivées. Un code d’organisateur vous rend de nouveau organisateur.
}
bot-test-failed = Le message d’exemple { $event } de <b>{ $route }</b> n’a pas pu être généré ; vérifiez ses modèles avec <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>Notification</b> :
bot-notice-route = ⚠️ <b>Notification</b>, route <b>{ $route }</b> :


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
