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

page-language = Idioma
page-try-again-title = Tente de novo
page-try-again = O relay não conseguiu fazer isso agora. Tente de novo daqui a um minuto.
page-save-failed = O relay não conseguiu salvar isso agora. Tente de novo daqui a um minuto.
page-link-not-valid = Link inválido
page-join-gone = Este link de inscrição não funciona (mais). Peça o link atual a quem organiza o grupo.
page-join-title = Entrar em { $route }
page-join-events = Receba uma mensagem quando: { $events }.
page-event-created = uma reunião for agendada
page-event-started = a reunião começar
page-event-ended = a reunião terminar
page-event-updated = a reunião mudar
page-event-deleted = a reunião for cancelada
page-list-separator = { ", " }
page-join-filter-topic = Só as reuniões cujo título contém “{ $text }”.
page-join-filter-some = Só algumas das reuniões da comunidade.
page-join-telegram = Pelo Telegram
page-join-telegram-button = Abra o Telegram e toque em Iniciar
page-join-email = Por e-mail
page-join-email-label = Seu endereço de e-mail
page-join-email-button = Enviar um e-mail de confirmação
page-join-email-note = Primeiro enviamos um único e-mail. Nada mais chega até você tocar em Confirmar nele. Todo aviso traz um link para pausar ou parar de recebê-los.
page-join-closed = Ainda não é possível entrar por aqui. Fale com quem organiza o grupo.
page-email-missing = Digite seu endereço de e-mail no campo.
page-email-empty = Digite seu endereço de e-mail.
page-email-too-long = Esse endereço é comprido demais para ser um e-mail.
page-email-not-plain = Digite um único endereço, sem mais nada, como nome@exemplo.org.
page-email-spaces = Um endereço de e-mail não tem espaços nem quebras de linha.
page-email-no-at = Isso não parece um endereço de e-mail (não tem @).
page-email-invalid = Isso não parece um endereço de e-mail.
page-email-no-mail = O relay desta comunidade não envia e-mails.
page-wait-title = Aguarde um pouco
page-wait = Muitas inscrições acabaram de chegar da sua rede. Tente de novo daqui a dez minutos.
page-check-title = Confira sua caixa de entrada
page-check = Se { $address } puder receber avisos de { $route }, um e-mail já está a caminho. Abra-o e toque em Confirmar em até 48 horas.
page-check-spam = Não chegou nada depois de alguns minutos? Olhe a pasta de spam. Você pode pedir de novo amanhã.
page-confirm-bad = Este link de confirmação não funciona. Os links valem por 48 horas: peça de novo na página de inscrição do grupo.
page-confirm-title = Confirme seus avisos
page-confirm-question = Enviar os avisos de { $route } para { $address }?
page-confirm-button = Confirmar
page-confirmed-title = Pronto, você está dentro
page-confirmed = { $address } agora recebe os avisos de { $route }.
page-confirmed-manage = Todo aviso traz um link para pausar ou parar de recebê-los. Você também pode usar esta página:
page-confirmed-manage-link = seus avisos
page-route-gone-title = Grupo não encontrado
page-route-gone = Quem organiza este grupo removeu os avisos dele, então não há nada para confirmar.
page-manage-bad = Este link não funciona. Use o link no fim de um aviso recente.
page-manage-title = Seus avisos
page-manage-active = { $address } recebe os avisos de { $route }.
page-manage-paused = Os avisos de { $route } para { $address } estão pausados até { $date }.
page-manage-pending = { $address } ainda não foi confirmado para { $route }: toque em Confirmar no e-mail que enviamos.
page-manage-none = { $address } não recebe avisos de { $route }. Para entrar de novo, use a página de inscrição do grupo.
page-pause-week = Pausar por uma semana
page-pause-month = Pausar por um mês
page-resume = Retomar agora
page-stop = Parar estes avisos
page-manage-use-buttons = Use um dos botões da página.
page-done-stopped = Pronto: sem mais avisos.
page-done-resumed = Os avisos voltaram.
page-done-paused = Pausado até { $date }.
page-done-nothing = Nada para mudar.
page-unsubscribe-bad = Este link para cancelar a inscrição não é válido. Use o link de um aviso recente.
page-unsubscribe-title = Cancelar inscrição
page-unsubscribe-question = Parar de enviar os avisos de { $route } para { $address }?
page-unsubscribe-button = Cancelar inscrição
page-unsubscribed-title = Inscrição cancelada
page-unsubscribed = { $address } não vai mais receber avisos de { $route }.
mail-confirm-subject = Confirme, por favor: avisos de { $route }
mail-confirm-why-member = Alguém (esperamos que você) pediu para receber os avisos de “{ $route }”.
mail-confirm-why-organizer = Uma pessoa que organiza “{ $route }” adicionou este endereço aos avisos de reuniões.
mail-confirm-open = Para começar a recebê-los, abra este link e toque em Confirmar (ele vale por 48 horas):
mail-confirm-button = Confirmar e começar a receber avisos
mail-confirm-expires = O link vale por 48 horas.
mail-confirm-ignore = Se você não pediu isso, ignore este e-mail: não enviaremos mais nada.
mail-footer-manage = Pausar ou parar estes avisos
