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
# El menú de comandos (setMyCommands): texto plano, 256 caracteres como máximo cada uno.
bot-cmd-start = Suscribirte con un código, o ver qué hago
bot-cmd-subscribe = Suscribirte con un código de tu organizador
bot-cmd-list = Tus suscripciones
bot-cmd-mute = Pausar los avisos un tiempo: /mute 2h, /mute off
bot-cmd-unsubscribe = Dejar de recibir avisos: todos, o /unsubscribe RUTA
bot-cmd-language = Elegir mi idioma: /language es
bot-cmd-help = Qué puedo hacer
bot-cmd-link = Administradores: publicar aquí los avisos de una ruta (/link CÓDIGO)
bot-cmd-unlink = Administradores: dejar de publicar avisos aquí
bot-cmd-status = Qué rutas publican aquí
# Ayuda y bienvenida. Los nombres de los comandos (/list, /mute) no se traducen.
bot-help-private =
    <b>Comandos</b>
    /subscribe CÓDIGO – recibir aquí los avisos de una ruta
    /list – tus suscripciones
    /mute 2h – pausar los avisos un tiempo (30m, 2h, 1d, ...); /mute off – reanudarlos
    /unsubscribe – dejar de recibir todos los avisos; /unsubscribe RUTA – solo los de una
    /language – elegir mi idioma
    /help – esta lista
bot-help-organizers = Organizadores: /routes, /test RUTA, /pause RUTA, /resume RUTA, /notices, /leave
bot-help-group =
    <b>Comandos en un grupo</b>
    /link CÓDIGO – administradores: publicar los avisos de una ruta en este chat o tema
    /unlink – administradores: dejar de publicar avisos aquí (o /unlink RUTA)
    /status – qué rutas publican aquí
    /language – elegir el idioma en el que te respondo
bot-help-group-private = Para recibir avisos personales, escríbeme en privado.
bot-welcome-hello = ¡Hola! Publico avisos cuando empiezan reuniones de Zoom.
bot-welcome-how = Para recibirlos aquí, abre el enlace que compartió tu organizador, o envía <code>/subscribe CÓDIGO</code> con el código que te dio.
bot-subscribe-how = Envía <code>/subscribe CÓDIGO</code> con el código que te dio tu organizador, o abre el enlace que compartió.
bot-private-only = Los avisos personales se gestionan en un chat privado: abre { $bot } y envía /start.
bot-private-only-unnamed = Los avisos personales se gestionan en un chat privado: escríbeme en privado y envía /start.
bot-group-only = Eso funciona en un grupo: añádeme al grupo (o al tema del foro) y envíalo allí.
bot-unknown-command = No conozco /{ $command }.
bot-wrong-bot-own = Esta comunidad tiene ahora su propio bot, @{ $bot }. Abre https://t.me/{ $bot } y envía allí <code>{ $command } CÓDIGO</code> (para un grupo, primero añade a @{ $bot }). El código no se usó.
bot-wrong-bot-other = Este código es del bot de otra comunidad. El código no se usó.
bot-code-unknown = No reconozco ese código. Revisa que esté bien escrito o pide uno nuevo a tu organizador. No se cambió nada.
bot-code-expired = Ese código ha caducado. Pide uno nuevo a tu organizador. No se cambió nada.
bot-code-used = Ese código ya se usó; cada enlace o código de organizador sirve una sola vez. Pide uno nuevo a tu organizador. No se cambió nada.
bot-code-revoked = El organizador retiró ese código. Pídele uno vigente. No se cambió nada.
bot-code-is-link = Es un código para vincular un grupo: añádeme al grupo (o al tema del foro) y envía allí <code>/link CÓDIGO</code>.
bot-code-is-subscribe = Es un código de suscripción: envíamelo en un chat privado para recibir los avisos tú.
bot-code-is-organizer = Es un código de organizador: envíamelo en un chat privado.
bot-route-gone = La ruta de este código ya no existe. Pide un código nuevo a tu organizador. No se cambió nada.
bot-refused-not-found = No lo encontré, así que no se cambió nada. (<i>{ $detail }</i>)
bot-refused-conflict = Algo cambió en ese mismo momento, así que no se cambió nada; inténtalo de nuevo. (<i>{ $detail }</i>)
bot-refused-invalid = Eso no se puede hacer, así que no se cambió nada. (<i>{ $detail }</i>)
bot-organizer-welcome =
    Ahora eres organizador de esta cuenta de Zoom. Los avisos nuevos para ti (un bot expulsado, un webhook que falla) llegarán aquí.

    /routes – las rutas de la cuenta
    /test RUTA – un aviso de ejemplo en este chat
    /pause RUTA, /resume RUTA
    /notices – problemas recientes
    /leave – dejar de ser organizador
bot-already-subscribed = Ya estás suscrito a <b>{ $route }</b>. /list muestra tus suscripciones.
bot-subscribed =
    Te suscribiste a <b>{ $route }</b>. Recibirás sus avisos aquí.

    /mute 2h los pausa, /unsubscribe los detiene.
bot-no-subscriptions = No tienes suscripciones. Envía <code>/subscribe CÓDIGO</code> con un código de tu organizador.
bot-list-title = <b>Tus suscripciones</b>
bot-list-paused = (pausada por el organizador)
bot-list-muted = Silenciado hasta { $time }. /mute off reanuda los avisos.
bot-not-subscribed-to = No estás suscrito a ninguna ruta llamada <b>{ $route }</b>. /list muestra tus suscripciones.
bot-nothing-to-unsubscribe = No tienes suscripciones.
bot-unsubscribed = { $count ->
    [one] Cancelaste la suscripción a { $routes }. Ya no recibirás sus avisos.
   *[other] Cancelaste las suscripciones a { $routes }. Ya no recibirás sus avisos.
}
bot-unmute-not-muted = Los avisos no estaban silenciados.
bot-unmuted = Los avisos vuelven a estar activos.
bot-mute-how = ¿Cuánto tiempo? Por ejemplo <code>/mute 2h</code>, <code>/mute 30m</code> o <code>/mute 1d</code>. <code>/mute off</code> reanuda los avisos.
bot-mute-bad = No entiendo <code>{ $input }</code> como una duración. Usa un número con una unidad, como 30m, 2h, 1h30m o 3d (como máximo { $max }).
bot-mute-nothing = No tienes suscripciones que silenciar.
bot-muted = Silenciado durante { $duration }, hasta { $time }. /mute off reanuda los avisos antes.
bot-unit-days = { $count } d
bot-unit-hours = { $count } h
bot-unit-minutes = { $count } min
bot-unit-seconds = { $count } s
bot-language-title = <b>Idiomas</b>
bot-language-chosen = Te hablo en { $name }, como elegiste.
bot-language-telegram = Te hablo en { $name }, el idioma de tu aplicación de Telegram.
bot-language-how = Envía <code>/language CÓDIGO</code> para cambiarlo, por ejemplo <code>/language de</code>, o <code>/language auto</code> para volver al idioma de tu aplicación de Telegram.
bot-language-set = A partir de ahora te hablo en { $name }. <code>/language auto</code> vuelve al idioma de tu aplicación de Telegram.
bot-language-auto = Vuelvo a usar el idioma de tu aplicación de Telegram: { $name }.
bot-language-unknown = No hablo <code>{ $input }</code>.
bot-admin-check-failed = Ahora mismo no pude comprobar con Telegram si eres administrador. Inténtalo de nuevo en un minuto.
bot-admins-only = Solo un administrador de este grupo puede hacer eso.
bot-link-how = Envía <code>/link CÓDIGO</code> con el código de vinculación de tu organizador (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Vinculado: <b>{ $route }</b> publica ahora sus avisos en este tema. /unlink lo detiene.
   *[chat] Vinculado: <b>{ $route }</b> publica ahora sus avisos en este chat. /unlink lo detiene.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> ya publica en este tema. El código no se usó.
   *[chat] <b>{ $route }</b> ya publica en este chat. El código no se usó.
}
bot-other-community = Este chat está vinculado a otra comunidad, así que no puedo publicar aquí los avisos de esta ruta. Un administrador del grupo puede enviar primero /unlink para liberarlo. El código no se usó.
bot-nothing-posts = { $place ->
    [topic] Ninguna ruta publica en este tema.
   *[chat] Ninguna ruta publica en este chat.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Desvinculado: { $routes } ya no publica en este tema.
       *[other] Desvinculado: { $routes } ya no publican en este tema.
    }
   *[chat] { $count ->
        [one] Desvinculado: { $routes } ya no publica en este chat.
       *[other] Desvinculado: { $routes } ya no publican en este chat.
    }
}
bot-status-none = { $place ->
    [topic] Ninguna ruta publica en este tema. Un administrador puede enviar <code>/link CÓDIGO</code> para añadir una.
   *[chat] Ninguna ruta publica en este chat. Un administrador puede enviar <code>/link CÓDIGO</code> para añadir una.
}
bot-status-title = { $place ->
    [topic] <b>Rutas que publican en este tema</b>
   *[chat] <b>Rutas que publican en este chat</b>
}
bot-paused = (en pausa)
bot-organizers-only = Lo siento, ese comando es para organizadores. Un código de organizador del operador del relay (<code>zoom-relay codes create --kind organizer</code>) te convierte en uno.
bot-name-the-route = Indica la ruta, por ejemplo <code>/pause Weekly sync</code>. /routes las muestra.
bot-no-such-route = No hay ninguna ruta llamada <b>{ $route }</b> en tus cuentas. /routes las muestra.
bot-route-ambiguous = Varias de tus cuentas tienen una ruta llamada <b>{ $route }</b>; cambia el nombre de una con la CLI.
bot-no-routes = Tus cuentas aún no tienen rutas.
bot-routes-title = <b>Rutas</b>
bot-destinations = { $count ->
    [one] { $count } destino
   *[other] { $count } destinos
}
bot-already-running = <b>{ $route }</b> ya está activa.
bot-already-paused = <b>{ $route }</b> ya está en pausa.
bot-resumed = <b>{ $route }</b> vuelve a estar activa.
bot-paused-now = <b>{ $route }</b> está en pausa: no habrá avisos hasta /resume.
bot-no-notices = No hay notificaciones: nada requiere tu atención.
bot-notices-title = <b>Notificaciones recientes</b>
bot-left = { $count ->
    [one] Ya no eres organizador ({ $count } cuenta): no recibirás más notificaciones aquí y los comandos de organizador quedan desactivados. Un código de organizador te vuelve a convertir en uno.
   *[other] Ya no eres organizador ({ $count } cuentas): no recibirás más notificaciones aquí y los comandos de organizador quedan desactivados. Un código de organizador te vuelve a convertir en uno.
}
bot-test-failed = No se pudo generar el mensaje de ejemplo { $event } de <b>{ $route }</b>; revisa sus plantillas con <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>Notificación</b>:
bot-notice-route = ⚠️ <b>Notificación</b>, ruta <b>{ $route }</b>:


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
