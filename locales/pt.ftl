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
# O menu de comandos (setMyCommands): texto simples, no máximo 256 caracteres cada.
bot-cmd-start = Assinar com um código, ou ver o que eu faço
bot-cmd-subscribe = Assinar com um código do seu organizador
bot-cmd-list = Suas assinaturas
bot-cmd-mute = Pausar os alertas por um tempo: /mute 2h, /mute off
bot-cmd-unsubscribe = Parar os alertas: todos, ou /unsubscribe ROTA
bot-cmd-language = Escolher meu idioma: /language pt
bot-cmd-help = O que eu sei fazer
bot-cmd-link = Admins: publicar aqui os alertas de uma rota (/link CÓDIGO)
bot-cmd-unlink = Admins: parar de publicar alertas aqui
bot-cmd-status = Quais rotas publicam aqui
# Ajuda e boas-vindas. Os nomes dos comandos (/list, /mute) não são traduzidos.
bot-help-private =
    <b>Comandos</b>
    /subscribe CÓDIGO – receber aqui os alertas de uma rota
    /list – suas assinaturas
    /mute 2h – pausar os alertas por um tempo (30m, 2h, 1d, ...); /mute off – retomar
    /unsubscribe – parar todos os alertas; /unsubscribe ROTA – parar os de uma
    /language – escolher meu idioma
    /help – esta lista
bot-help-organizers = Organizadores: /routes, /test ROTA, /pause ROTA, /resume ROTA, /notices, /leave
bot-help-group =
    <b>Comandos em um grupo</b>
    /link CÓDIGO – admins: publicar os alertas de uma rota neste chat ou tópico
    /unlink – admins: parar de publicar alertas aqui (ou /unlink ROTA)
    /status – quais rotas publicam aqui
    /language – escolher o idioma em que eu respondo a você
bot-help-group-private = Para alertas pessoais, fale comigo no privado.
bot-welcome-hello = Oi! Eu publico alertas quando reuniões do Zoom começam.
bot-welcome-how = Para recebê-los aqui, abra o link que seu organizador compartilhou, ou envie <code>/subscribe CÓDIGO</code> com o código que ele passou para você.
bot-subscribe-how = Envie <code>/subscribe CÓDIGO</code> com o código que seu organizador passou, ou abra o link que ele compartilhou.
bot-private-only = Os alertas pessoais são gerenciados em um chat privado: abra { $bot } e envie /start.
bot-private-only-unnamed = Os alertas pessoais são gerenciados em um chat privado: fale comigo no privado e envie /start.
bot-group-only = Isso funciona em um grupo: adicione-me ao grupo (ou ao tópico do fórum) e envie lá.
bot-unknown-command = Não conheço /{ $command }.
bot-wrong-bot-own = Esta comunidade agora tem seu próprio bot, @{ $bot }. Abra https://t.me/{ $bot } e envie lá <code>{ $command } CÓDIGO</code> (para um grupo, adicione @{ $bot } a ele primeiro). O código não foi usado.
bot-wrong-bot-other = Este código pertence ao bot de outra comunidade. O código não foi usado.
bot-code-unknown = Não reconheço esse código. Confira se há erros de digitação, ou peça um novo ao seu organizador. Nada foi alterado.
bot-code-expired = Esse código expirou. Peça um novo ao seu organizador. Nada foi alterado.
bot-code-used = Esse código já foi usado; cada link ou código de organizador funciona uma vez só. Peça um novo ao seu organizador. Nada foi alterado.
bot-code-revoked = O organizador cancelou esse código. Peça um válido a ele. Nada foi alterado.
bot-code-is-link = Esse é um código para vincular um grupo: adicione-me ao grupo (ou ao tópico do fórum) e envie lá <code>/link CÓDIGO</code>.
bot-code-is-subscribe = Esse é um código de assinatura: envie-o para mim em um chat privado para receber os alertas pessoalmente.
bot-code-is-organizer = Esse é um código de organizador: envie-o para mim em um chat privado.
bot-route-gone = A rota deste código não existe mais. Peça um novo código ao seu organizador. Nada foi alterado.
bot-refused-not-found = Não encontrei isso, então nada foi alterado. (<i>{ $detail }</i>)
bot-refused-conflict = Algo mudou no mesmo instante, então nada foi alterado; tente de novo. (<i>{ $detail }</i>)
bot-refused-invalid = Isso não pode ser feito, então nada foi alterado. (<i>{ $detail }</i>)
bot-organizer-welcome =
    Agora você é organizador desta conta do Zoom. Novos avisos (um bot removido, um webhook falhando) chegarão aqui.

    /routes – as rotas da conta
    /test ROTA – um alerta de exemplo neste chat
    /pause ROTA, /resume ROTA
    /notices – problemas recentes
    /leave – deixar de ser organizador
bot-already-subscribed = Você já assina <b>{ $route }</b>. /list mostra suas assinaturas.
bot-subscribed =
    Assinatura de <b>{ $route }</b> feita. Você vai receber os alertas dela aqui.

    /mute 2h pausa os alertas, /unsubscribe cancela.
bot-no-subscriptions = Você não tem assinaturas. Envie <code>/subscribe CÓDIGO</code> com um código do seu organizador.
bot-list-title = <b>Suas assinaturas</b>
bot-list-paused = (pausada pelo organizador)
bot-list-muted = Silenciado até { $time }. /mute off retoma os alertas.
bot-not-subscribed-to = Você não assina nenhuma rota chamada <b>{ $route }</b>. /list mostra suas assinaturas.
bot-nothing-to-unsubscribe = Você não tem assinaturas.
bot-unsubscribed = { $count ->
    [one] Assinatura de { $routes } cancelada. Você não vai mais receber os alertas dela.
   *[other] Assinaturas de { $routes } canceladas. Você não vai mais receber os alertas delas.
}
bot-unmute-not-muted = Os alertas não estavam silenciados.
bot-unmuted = Os alertas voltaram.
bot-mute-how = Por quanto tempo? Por exemplo <code>/mute 2h</code>, <code>/mute 30m</code> ou <code>/mute 1d</code>. <code>/mute off</code> retoma os alertas.
bot-mute-bad = Não consigo ler <code>{ $input }</code> como duração. Use um número com unidade, como 30m, 2h, 1h30m ou 3d (no máximo { $max }).
bot-mute-nothing = Você não tem assinaturas para silenciar.
bot-muted = Silenciado por { $duration }, até { $time }. /mute off retoma os alertas antes.
bot-unit-days = { $count } d
bot-unit-hours = { $count } h
bot-unit-minutes = { $count } min
bot-unit-seconds = { $count } s
bot-language-title = <b>Idiomas</b>
bot-language-chosen = Falo { $name } com você, como você escolheu.
bot-language-telegram = Falo { $name } com você, o idioma do seu aplicativo do Telegram.
bot-language-how = Envie <code>/language CÓDIGO</code> para trocar, por exemplo <code>/language es</code>, ou <code>/language auto</code> para voltar ao idioma do seu aplicativo do Telegram.
bot-language-set = A partir de agora falo { $name } com você. <code>/language auto</code> volta ao idioma do seu aplicativo do Telegram.
bot-language-auto = Voltei a seguir o idioma do seu aplicativo do Telegram: { $name }.
bot-language-unknown = Não falo <code>{ $input }</code>.
bot-admin-check-failed = Não consegui verificar agora com o Telegram se você é administrador. Tente de novo daqui a um minuto.
bot-admins-only = Só um administrador deste grupo pode fazer isso.
bot-link-how = Envie <code>/link CÓDIGO</code> com o código de vínculo do seu organizador (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Vinculado: <b>{ $route }</b> agora publica seus alertas neste tópico. /unlink interrompe.
   *[chat] Vinculado: <b>{ $route }</b> agora publica seus alertas neste chat. /unlink interrompe.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> já publica neste tópico. O código não foi usado.
   *[chat] <b>{ $route }</b> já publica neste chat. O código não foi usado.
}
bot-other-community = Este chat está vinculado a outra comunidade, então não posso publicar aqui os alertas desta rota. Um administrador do grupo pode enviar /unlink antes para liberá-lo. O código não foi usado.
bot-nothing-posts = { $place ->
    [topic] Nenhuma rota publica neste tópico.
   *[chat] Nenhuma rota publica neste chat.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Desvinculado: { $routes } não publica mais neste tópico.
       *[other] Desvinculado: { $routes } não publicam mais neste tópico.
    }
   *[chat] { $count ->
        [one] Desvinculado: { $routes } não publica mais neste chat.
       *[other] Desvinculado: { $routes } não publicam mais neste chat.
    }
}
bot-status-none = { $place ->
    [topic] Nenhuma rota publica neste tópico. Um administrador pode enviar <code>/link CÓDIGO</code> para adicionar uma.
   *[chat] Nenhuma rota publica neste chat. Um administrador pode enviar <code>/link CÓDIGO</code> para adicionar uma.
}
bot-status-title = { $place ->
    [topic] <b>Rotas que publicam neste tópico</b>
   *[chat] <b>Rotas que publicam neste chat</b>
}
bot-paused = (pausada)
bot-organizers-only = Desculpe, esse comando é para organizadores. Um código de organizador do operador do relay (<code>zoom-relay codes create --kind organizer</code>) torna você um.
bot-name-the-route = Diga qual é a rota, por exemplo <code>/pause Weekly sync</code>. /routes lista as rotas.
bot-no-such-route = Nenhuma rota chamada <b>{ $route }</b> nas suas contas. /routes lista as rotas.
bot-route-ambiguous = Várias das suas contas têm uma rota chamada <b>{ $route }</b>; renomeie uma com a CLI.
bot-no-routes = Suas contas ainda não têm rotas.
bot-routes-title = <b>Rotas</b>
bot-destinations = { $count ->
    [one] { $count } destino
   *[other] { $count } destinos
}
bot-already-running = <b>{ $route }</b> já está ativa.
bot-already-paused = <b>{ $route }</b> já está pausada.
bot-resumed = <b>{ $route }</b> está ativa de novo.
bot-paused-now = <b>{ $route }</b> está pausada: nenhum alerta até /resume.
bot-no-notices = Nenhum aviso: nada precisa da sua atenção.
bot-notices-title = <b>Avisos recentes</b>
bot-left = { $count ->
    [one] Você não é mais organizador ({ $count } conta): nada de avisos aqui, e os comandos de organizador estão desativados. Um código de organizador torna você organizador de novo.
   *[other] Você não é mais organizador ({ $count } contas): nada de avisos aqui, e os comandos de organizador estão desativados. Um código de organizador torna você organizador de novo.
}
bot-test-failed = Não foi possível gerar a mensagem de exemplo { $event } de <b>{ $route }</b>; confira os modelos com <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>Aviso</b>:
bot-notice-route = ⚠️ <b>Aviso</b>, rota <b>{ $route }</b>:


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
