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

page-language = Idioma
page-try-again-title = Inténtalo de nuevo
page-try-again = El relé no pudo hacer esto ahora. Inténtalo de nuevo dentro de un minuto.
page-save-failed = El relé no pudo guardar esto ahora. Inténtalo de nuevo dentro de un minuto.
page-link-not-valid = Enlace no válido
page-join-gone = Este enlace para unirse ya no funciona. Pide el enlace actual a quien organiza el grupo.
page-join-title = Unirse a { $route }
page-join-events = Recibe un mensaje cuando: { $events }.
page-event-created = Se programa una reunión
page-event-started = Empieza la reunión
page-event-ended = Termina la reunión
page-event-updated = Cambia la reunión
page-event-deleted = Se cancela la reunión
page-list-separator = { ", " }
page-join-filter-topic = Solo las reuniones cuyo título contiene «{ $text }».
page-join-filter-some = Solo algunas de las reuniones de la comunidad.
page-join-telegram = En Telegram
page-join-telegram-button = Abre Telegram y pulsa Iniciar
page-join-email = Por correo electrónico
page-join-email-label = Tu dirección de correo electrónico
page-join-email-button = Envíame un correo de confirmación
page-join-email-note = Primero te enviamos un solo correo. No llega nada más hasta que pulses Confirmar en él. Cada aviso trae un enlace para pausarlos o dejar de recibirlos.
page-join-closed = Todavía no es posible unirse aquí. Pregunta a quien organiza el grupo.
page-email-missing = Escribe tu dirección de correo en la casilla.
page-email-empty = Escribe tu dirección de correo.
page-email-too-long = Esa dirección es demasiado larga para ser una dirección de correo.
page-email-not-plain = Escribe una sola dirección, sin más, como nombre@ejemplo.org.
page-email-spaces = Una dirección de correo no lleva espacios ni saltos de línea.
page-email-no-at = Eso no parece una dirección de correo (no tiene @).
page-email-invalid = Eso no parece una dirección de correo.
page-email-no-mail = El relé de esta comunidad no envía correos.
page-wait-title = Espera un poco
page-wait = Acaban de llegar muchas inscripciones desde tu red. Inténtalo de nuevo dentro de diez minutos.
page-check-title = Revisa tu bandeja de entrada
page-check = Si { $address } puede recibir avisos de { $route }, ya va un correo en camino. Ábrelo y pulsa Confirmar en las próximas 48 horas.
page-check-spam = ¿No ha llegado nada después de unos minutos? Mira en la carpeta de correo no deseado. Puedes volver a pedirlo mañana.
page-confirm-bad = Este enlace de confirmación no funciona. Los enlaces valen 48 horas: vuelve a pedirlo desde la página del grupo para unirse.
page-confirm-title = Confirma tus avisos
page-confirm-question = ¿Enviar los avisos de { $route } a { $address }?
page-confirm-button = Confirmar
page-confirmed-title = ¡Ya estás dentro!
page-confirmed = { $address } ya recibe los avisos de { $route }.
page-confirmed-manage = Cada aviso trae un enlace para pausarlos o dejar de recibirlos. También puedes usar esta página:
page-confirmed-manage-link = tus avisos
page-route-gone-title = Grupo no encontrado
page-route-gone = Quien organiza este grupo eliminó sus avisos, así que no hay nada que confirmar.
page-manage-bad = Este enlace no funciona. Usa el enlace que aparece al final de un aviso reciente.
page-manage-title = Tus avisos
page-manage-active = { $address } recibe los avisos de { $route }.
page-manage-paused = Los avisos de { $route } a { $address } están en pausa hasta el { $date }.
page-manage-pending = { $address } todavía no está confirmada para { $route }: pulsa Confirmar en el correo que te enviamos.
page-manage-none = { $address } no recibe avisos de { $route }. Para volver a unirte, usa la página del grupo para unirse.
page-pause-week = Pausar una semana
page-pause-month = Pausar un mes
page-resume = Reanudar ahora
page-stop = Dejar de recibir estos avisos
page-manage-use-buttons = Usa uno de los botones de la página.
page-done-stopped = Hecho: no recibirás más avisos.
page-done-resumed = Los avisos vuelven a estar activos.
page-done-paused = En pausa hasta el { $date }.
page-done-nothing = No hay nada que cambiar.
page-unsubscribe-bad = Este enlace para darse de baja no es válido. Usa el enlace de un aviso reciente.
page-unsubscribe-title = Darse de baja
page-unsubscribe-question = ¿Dejar de enviar los avisos de { $route } a { $address }?
page-unsubscribe-button = Darme de baja
page-unsubscribed-title = Baja completada
page-unsubscribed = { $address } ya no recibirá avisos de { $route }.
mail-confirm-subject = Confirma, por favor: avisos de { $route }
mail-confirm-why-member = Alguien (esperamos que tú) pidió recibir los avisos de «{ $route }».
mail-confirm-why-organizer = Quien organiza «{ $route }» añadió esta dirección a sus avisos de reuniones.
mail-confirm-open = Para empezar a recibirlos, abre este enlace y pulsa Confirmar (vale durante 48 horas):
mail-confirm-button = Confirmar y empezar a recibir avisos
mail-confirm-expires = El enlace vale durante 48 horas.
mail-confirm-ignore = Si no lo pediste, ignora este correo: no te enviaremos nada más.
mail-footer-manage = Pausar o dejar de recibir estos avisos
