# zoom-relay: каталог сообщений на русском. Идентификаторы и переменные — как в en.ftl.

## Language facts (not shown as sentences)

meta-name = Русский
meta-direction = ltr
meta-locale-data = ru_RU

## Dates and times

time-date = %A, %-d %B
time-date-short = %a, %-d %b
time-date-time = { $date }, { $time }
relative-now = только что
relative-minutes-future = { $count ->
    [one] через { $count } минуту
    [few] через { $count } минуты
   *[many] через { $count } минут
}
relative-minutes-past = { $count ->
    [one] { $count } минуту назад
    [few] { $count } минуты назад
   *[many] { $count } минут назад
}
relative-hours-future = { $count ->
    [one] через { $count } час
    [few] через { $count } часа
   *[many] через { $count } часов
}
relative-hours-past = { $count ->
    [one] { $count } час назад
    [few] { $count } часа назад
   *[many] { $count } часов назад
}
relative-days-future = { $count ->
    [one] через { $count } день
    [few] через { $count } дня
   *[many] через { $count } дней
}
relative-days-past = { $count ->
    [one] { $count } день назад
    [few] { $count } дня назад
   *[many] { $count } дней назад
}
duration-minutes = { $minutes } мин
duration-hours = { $hours } ч
duration-hours-minutes = { $hours } ч { $minutes } мин
duration-under-a-minute = меньше минуты

## Alerts: the default templates of every event and channel

alert-untitled = Встреча без названия
alert-meeting-number = Встреча { $id }
alert-created-headline = Новая встреча:
alert-created-subject = Новая встреча: { $topic }
alert-started-headline = Встреча началась:
alert-started-subject = Начинается сейчас: { $topic }
alert-ended-headline = Встреча закончилась:
alert-ended-subject = Закончилась: { $topic }
alert-updated-headline = Встреча изменена:
alert-updated-subject = Изменена: { $topic }
alert-deleted-headline = Встреча отменена:
alert-deleted-subject = Отменена: { $topic }
alert-when = Когда:
alert-started-at = Началась:
alert-ended-at = Закончилась:
alert-lasted = Длилась:
alert-length = Длительность:
alert-was = (было: { $old })
alert-renamed = Прежнее название:
alert-was-scheduled = Она была запланирована на { $time }.
alert-join = Присоединиться к встрече
alert-join-label = Присоединиться:
alert-passcode = Код доступа:
alert-sent-for = Отправлено zoom-relay для «{ $route }».
alert-unsubscribe = Отписаться
alert-unsubscribe-label = Отписаться:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)
# Меню команд (setMyCommands): простой текст, не больше 256 символов на команду.
bot-cmd-start = Подписаться по коду или узнать, что я умею
bot-cmd-subscribe = Подписаться по коду от организатора
bot-cmd-list = Ваши подписки
bot-cmd-mute = Приостановить оповещения: /mute 2h, /mute off
bot-cmd-unsubscribe = Отключить оповещения: все или /unsubscribe МАРШРУТ
bot-cmd-language = Выбрать язык: /language ru
bot-cmd-help = Что я умею
bot-cmd-link = Админы: публиковать здесь оповещения маршрута (/link КОД)
bot-cmd-unlink = Админы: больше не публиковать здесь оповещения
bot-cmd-status = Какие маршруты публикуют здесь
# Справка и приветствие. Названия команд (/list, /mute) не переводятся.
bot-help-private =
    <b>Команды</b>
    /subscribe КОД – получать здесь оповещения маршрута
    /list – ваши подписки
    /mute 2h – приостановить оповещения (30m, 2h, 1d, ...); /mute off – возобновить
    /unsubscribe – отключить все оповещения; /unsubscribe МАРШРУТ – только один
    /language – выбрать язык
    /help – этот список
bot-help-organizers = Организаторам: /routes, /test МАРШРУТ, /pause МАРШРУТ, /resume МАРШРУТ, /notices, /leave
bot-help-group =
    <b>Команды в группе</b>
    /link КОД – админы: публиковать оповещения маршрута в этом чате или теме
    /unlink – админы: больше не публиковать здесь оповещения (или /unlink МАРШРУТ)
    /status – какие маршруты публикуют здесь
    /language – выбрать язык, на котором я вам отвечаю
bot-help-group-private = Личные оповещения — напишите мне в личные сообщения.
bot-welcome-hello = Здравствуйте! Я присылаю оповещения, когда начинаются встречи в Zoom.
bot-welcome-how = Чтобы получать их здесь, откройте ссылку от организатора или отправьте <code>/subscribe КОД</code> с кодом, который он вам дал.
bot-subscribe-how = Отправьте <code>/subscribe КОД</code> с кодом от организатора или откройте ссылку, которой он поделился.
bot-private-only = Личные оповещения настраиваются в личном чате: откройте { $bot } и отправьте /start.
bot-private-only-unnamed = Личные оповещения настраиваются в личном чате: напишите мне в личные сообщения и отправьте /start.
bot-group-only = Это работает в группе: добавьте меня в группу (или тему форума) и отправьте команду там.
bot-unknown-command = Я не знаю команду /{ $command }.
bot-wrong-bot-own = У этого сообщества теперь свой бот — @{ $bot }. Откройте https://t.me/{ $bot } и отправьте там <code>{ $command } КОД</code> (для группы сначала добавьте в неё @{ $bot }). Код не израсходован.
bot-wrong-bot-other = Этот код относится к боту другого сообщества. Код не израсходован.
bot-code-unknown = Я не знаю такого кода. Проверьте, нет ли опечатки, или попросите у организатора новый. Ничего не изменилось.
bot-code-expired = Срок действия кода истёк. Попросите у организатора новый. Ничего не изменилось.
bot-code-used = Этот код уже использован: каждая ссылка и каждый код организатора действуют один раз. Попросите у организатора новый. Ничего не изменилось.
bot-code-revoked = Организатор отозвал этот код. Попросите у него действующий. Ничего не изменилось.
bot-code-is-link = Это код для привязки группы: добавьте меня в группу (или тему форума) и отправьте там <code>/link КОД</code>.
bot-code-is-subscribe = Это код подписки: отправьте его мне в личном чате, чтобы получать оповещения лично.
bot-code-is-organizer = Это код организатора: отправьте его мне в личном чате.
bot-route-gone = Маршрута, к которому относится этот код, больше нет. Попросите у организатора новый код. Ничего не изменилось.
bot-refused-not-found = Не удалось это найти, поэтому ничего не изменилось. (<i>{ $detail }</i>)
bot-refused-conflict = В тот же момент данные изменил кто-то ещё, поэтому я ничего не менял; попробуйте ещё раз. (<i>{ $detail }</i>)
bot-refused-invalid = Так сделать нельзя, поэтому ничего не изменилось. (<i>{ $detail }</i>)
bot-organizer-welcome =
    Теперь вы организатор этого аккаунта Zoom. Новые уведомления (удалённый бот, сбой вебхука) будут приходить сюда.

    /routes – маршруты аккаунта
    /test МАРШРУТ – пример оповещения в этом чате
    /pause МАРШРУТ, /resume МАРШРУТ
    /notices – недавние проблемы
    /leave – перестать быть организатором
bot-already-subscribed = Вы уже подписаны на <b>{ $route }</b>. /list покажет ваши подписки.
bot-subscribed =
    Вы подписались на <b>{ $route }</b>. Оповещения будут приходить сюда.

    /mute 2h приостановит их, /unsubscribe отключит.
bot-no-subscriptions = У вас нет подписок. Отправьте <code>/subscribe КОД</code> с кодом от организатора.
bot-list-title = <b>Ваши подписки</b>
bot-list-paused = (приостановлен организатором)
bot-list-muted = Без звука до { $time }. /mute off возобновит оповещения.
bot-not-subscribed-to = Вы не подписаны на маршрут <b>{ $route }</b>. /list покажет ваши подписки.
bot-nothing-to-unsubscribe = У вас нет подписок.
bot-unsubscribed = { $count ->
    [one] Вы отписались от { $routes }. Его оповещения больше не придут.
    [few] Вы отписались от { $routes }. Их оповещения больше не придут.
    [many] Вы отписались от { $routes }. Их оповещения больше не придут.
   *[other] Вы отписались от { $routes }. Их оповещения больше не придут.
}
bot-unmute-not-muted = Оповещения не были приостановлены.
bot-unmuted = Оповещения снова включены.
bot-mute-how = На сколько? Например, <code>/mute 2h</code>, <code>/mute 30m</code> или <code>/mute 1d</code>. <code>/mute off</code> возобновит оповещения.
bot-mute-bad = Не могу понять <code>{ $input }</code> как длительность. Укажите число с единицей: 30m, 2h, 1h30m или 3d (не больше { $max }).
bot-mute-nothing = У вас нет подписок, которые можно приостановить.
bot-muted = Без звука на { $duration }, до { $time }. /mute off возобновит оповещения раньше.
bot-unit-days = { $count } д
bot-unit-hours = { $count } ч
bot-unit-minutes = { $count } мин
bot-unit-seconds = { $count } с
bot-language-title = <b>Языки</b>
bot-language-chosen = Я говорю с вами на языке «{ $name }», как вы выбрали.
bot-language-telegram = Я говорю с вами на языке «{ $name }» — языке вашего приложения Telegram.
bot-language-how = Отправьте <code>/language КОД</code>, чтобы сменить язык, например <code>/language es</code>, или <code>/language auto</code>, чтобы снова следовать языку приложения Telegram.
bot-language-set = Теперь я говорю с вами на языке «{ $name }». <code>/language auto</code> вернёт язык вашего приложения Telegram.
bot-language-auto = Снова следую языку вашего приложения Telegram: { $name }.
bot-language-unknown = Я не говорю на языке <code>{ $input }</code>.
bot-admin-check-failed = Сейчас не удалось проверить у Telegram ваши права администратора. Попробуйте ещё раз через минуту.
bot-admins-only = Это может сделать только администратор группы.
bot-link-how = Отправьте <code>/link КОД</code> с кодом привязки от организатора (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] Готово: <b>{ $route }</b> теперь публикует оповещения в этой теме. /unlink это отключит.
   *[chat] Готово: <b>{ $route }</b> теперь публикует оповещения в этом чате. /unlink это отключит.
}
bot-already-posts = { $place ->
    [topic] <b>{ $route }</b> уже публикует в этой теме. Код не израсходован.
   *[chat] <b>{ $route }</b> уже публикует в этом чате. Код не израсходован.
}
bot-other-community = Этот чат привязан к другому сообществу, поэтому я не могу публиковать здесь оповещения этого маршрута. Администратор группы может сначала отправить /unlink, чтобы освободить чат. Код не израсходован.
bot-nothing-posts = { $place ->
    [topic] В этой теме не публикует ни один маршрут.
   *[chat] В этом чате не публикует ни один маршрут.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] Отвязано: { $routes } больше не публикует в этой теме.
       *[other] Отвязано: { $routes } больше не публикуют в этой теме.
    }
   *[chat] { $count ->
        [one] Отвязано: { $routes } больше не публикует в этом чате.
       *[other] Отвязано: { $routes } больше не публикуют в этом чате.
    }
}
bot-status-none = { $place ->
    [topic] В этой теме не публикует ни один маршрут. Администратор может добавить маршрут командой <code>/link КОД</code>.
   *[chat] В этом чате не публикует ни один маршрут. Администратор может добавить маршрут командой <code>/link КОД</code>.
}
bot-status-title = { $place ->
    [topic] <b>Маршруты, публикующие в этой теме</b>
   *[chat] <b>Маршруты, публикующие в этом чате</b>
}
bot-paused = (приостановлен)
bot-organizers-only = Извините, эта команда для организаторов. Организатором вас сделает код организатора от оператора релея (<code>zoom-relay codes create --kind organizer</code>).
bot-name-the-route = Укажите маршрут, например <code>/pause Weekly sync</code>. /routes покажет список.
bot-no-such-route = В ваших аккаунтах нет маршрута <b>{ $route }</b>. /routes покажет список.
bot-route-ambiguous = Маршрут <b>{ $route }</b> есть в нескольких ваших аккаунтах; переименуйте один из них через CLI.
bot-no-routes = В ваших аккаунтах пока нет маршрутов.
bot-routes-title = <b>Маршруты</b>
bot-destinations = { $count ->
    [one] { $count } получатель
    [few] { $count } получателя
    [many] { $count } получателей
   *[other] { $count } получателя
}
bot-already-running = <b>{ $route }</b> уже работает.
bot-already-paused = <b>{ $route }</b> уже приостановлен.
bot-resumed = <b>{ $route }</b> снова работает.
bot-paused-now = <b>{ $route }</b> приостановлен: оповещений не будет до /resume.
bot-no-notices = Уведомлений нет: ничего не требует вашего внимания.
bot-notices-title = <b>Недавние уведомления</b>
bot-left = { $count ->
    [one] Вы больше не организатор ({ $count } аккаунт): уведомления сюда больше не придут, команды организатора отключены. Код организатора снова сделает вас организатором.
    [few] Вы больше не организатор ({ $count } аккаунта): уведомления сюда больше не придут, команды организатора отключены. Код организатора снова сделает вас организатором.
    [many] Вы больше не организатор ({ $count } аккаунтов): уведомления сюда больше не придут, команды организатора отключены. Код организатора снова сделает вас организатором.
   *[other] Вы больше не организатор ({ $count } аккаунта): уведомления сюда больше не придут, команды организатора отключены. Код организатора снова сделает вас организатором.
}
bot-test-failed = Не удалось сформировать пример сообщения { $event } для <b>{ $route }</b>; проверьте его шаблоны командой <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>Уведомление</b>:
bot-notice-route = ⚠️ <b>Уведомление</b>, маршрут <b>{ $route }</b>:


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)

page-language = Язык
page-try-again-title = Попробуйте ещё раз
page-try-again = Сейчас это сделать не получилось. Попробуйте ещё раз через минуту.
page-save-failed = Сейчас это не удалось сохранить. Попробуйте ещё раз через минуту.
page-link-not-valid = Ссылка недействительна
page-join-gone = Эта ссылка для вступления не работает (больше). Попросите актуальную ссылку у организатора группы.
page-join-title = Вступить в «{ $route }»
page-join-events = Вы получите сообщение, когда { $events }.
page-event-created = встреча запланирована
page-event-started = встреча началась
page-event-ended = встреча закончилась
page-event-updated = встреча изменилась
page-event-deleted = встреча отменена
page-list-separator = { ", " }
page-join-filter-topic = Только встречи, в названии которых есть «{ $text }».
page-join-filter-some = Только некоторые встречи сообщества.
page-join-telegram = В Telegram
page-join-telegram-button = Откройте Telegram и нажмите «Запустить»
page-join-email = По электронной почте
page-join-email-label = Ваш адрес электронной почты
page-join-email-button = Прислать письмо для подтверждения
page-join-email-note = Сначала мы пришлём одно письмо. Больше ничего не придёт, пока вы не нажмёте в нём «Подтвердить». В каждом оповещении есть ссылка, чтобы приостановить или отключить их.
page-join-closed = Здесь пока нельзя вступить. Спросите организатора группы.
page-email-missing = Введите адрес электронной почты в поле.
page-email-empty = Введите адрес электронной почты.
page-email-too-long = Этот адрес слишком длинный для адреса электронной почты.
page-email-not-plain = Введите один адрес без лишнего, например name@example.org.
page-email-spaces = В адресе электронной почты не бывает пробелов и переносов строк.
page-email-no-at = Это не похоже на адрес электронной почты (в нём нет @).
page-email-invalid = Это не похоже на адрес электронной почты.
page-email-no-mail = Ретранслятор этого сообщества не отправляет письма.
page-wait-title = Подождите немного
page-wait = Из вашей сети только что пришло много заявок. Попробуйте ещё раз через десять минут.
page-check-title = Проверьте почту
page-check = Если { $address } может получать оповещения «{ $route }», письмо уже в пути. Откройте его и нажмите «Подтвердить» в течение 48 часов.
page-check-spam = Через несколько минут ничего не пришло? Загляните в папку «Спам». Запросить письмо снова можно завтра.
page-confirm-bad = Эта ссылка для подтверждения не работает. Ссылки действуют 48 часов: запросите новую на странице вступления в группу.
page-confirm-title = Подтвердите оповещения
page-confirm-question = Присылать оповещения «{ $route }» на { $address }?
page-confirm-button = Подтвердить
page-confirmed-title = Готово, вы в списке
page-confirmed = { $address } теперь получает оповещения «{ $route }».
page-confirmed-manage = В каждом оповещении есть ссылка, чтобы приостановить или отключить их. Ещё можно воспользоваться этой страницей:
page-confirmed-manage-link = ваши оповещения
page-route-gone-title = Группа не найдена
page-route-gone = Организатор удалил оповещения этой группы, так что подтверждать нечего.
page-manage-bad = Эта ссылка не работает. Воспользуйтесь ссылкой в конце недавнего оповещения.
page-manage-title = Ваши оповещения
page-manage-active = { $address } получает оповещения «{ $route }».
page-manage-paused = Оповещения «{ $route }» на { $address } приостановлены. Дата возобновления: { $date }.
page-manage-pending = { $address } ещё не подтверждён для «{ $route }»: нажмите «Подтвердить» в письме, которое мы отправили.
page-manage-none = { $address } не получает оповещения «{ $route }». Чтобы вступить снова, откройте страницу вступления в группу.
page-pause-week = Приостановить на неделю
page-pause-month = Приостановить на месяц
page-resume = Возобновить сейчас
page-stop = Отключить эти оповещения
page-manage-use-buttons = Воспользуйтесь одной из кнопок на странице.
page-done-stopped = Готово: оповещений больше не будет.
page-done-resumed = Оповещения снова включены.
page-done-paused = Приостановлено. Дата возобновления: { $date }.
page-done-nothing = Менять нечего.
page-unsubscribe-bad = Эта ссылка для отписки недействительна. Воспользуйтесь ссылкой из недавнего оповещения.
page-unsubscribe-title = Отписаться
page-unsubscribe-question = Больше не присылать оповещения «{ $route }» на { $address }?
page-unsubscribe-button = Отписаться
page-unsubscribed-title = Вы отписались
page-unsubscribed = { $address } больше не будет получать оповещения «{ $route }».
mail-confirm-subject = Подтвердите, пожалуйста: оповещения «{ $route }»
mail-confirm-why-member = Кто-то (надеемся, что вы) попросил присылать оповещения «{ $route }».
mail-confirm-why-organizer = Организатор «{ $route }» добавил этот адрес в рассылку оповещений о встречах.
mail-confirm-open = Чтобы начать их получать, откройте эту ссылку и нажмите «Подтвердить» (она действует 48 часов):
mail-confirm-button = Подтвердить и получать оповещения
mail-confirm-expires = Ссылка действует 48 часов.
mail-confirm-ignore = Если вы ничего не запрашивали, просто не обращайте внимания на это письмо: больше мы ничего не пришлём.
mail-footer-manage = Приостановить или отключить эти оповещения
