# zoom-relay: فهرس الرسائل بالعربية. المعرّفات والمتغيرات كما في en.ftl.

## Language facts (not shown as sentences)

meta-name = العربية
meta-direction = rtl
meta-locale-data = ar_EG

## Dates and times

time-date = %A، %-d %B
time-date-short = %a %-d %b
time-date-time = { $date } الساعة { $time }
relative-now = الآن
relative-minutes-future = { $count ->
    [zero] خلال { $count } دقيقة
    [one] خلال دقيقة واحدة
    [two] خلال دقيقتين
    [few] خلال { $count } دقائق
    [many] خلال { $count } دقيقة
   *[other] خلال { $count } دقيقة
}
relative-minutes-past = { $count ->
    [zero] قبل { $count } دقيقة
    [one] قبل دقيقة واحدة
    [two] قبل دقيقتين
    [few] قبل { $count } دقائق
    [many] قبل { $count } دقيقة
   *[other] قبل { $count } دقيقة
}
relative-hours-future = { $count ->
    [zero] خلال { $count } ساعة
    [one] خلال ساعة واحدة
    [two] خلال ساعتين
    [few] خلال { $count } ساعات
    [many] خلال { $count } ساعة
   *[other] خلال { $count } ساعة
}
relative-hours-past = { $count ->
    [zero] قبل { $count } ساعة
    [one] قبل ساعة واحدة
    [two] قبل ساعتين
    [few] قبل { $count } ساعات
    [many] قبل { $count } ساعة
   *[other] قبل { $count } ساعة
}
relative-days-future = { $count ->
    [zero] خلال { $count } يوم
    [one] خلال يوم واحد
    [two] خلال يومين
    [few] خلال { $count } أيام
    [many] خلال { $count } يومًا
   *[other] خلال { $count } يوم
}
relative-days-past = { $count ->
    [zero] قبل { $count } يوم
    [one] قبل يوم واحد
    [two] قبل يومين
    [few] قبل { $count } أيام
    [many] قبل { $count } يومًا
   *[other] قبل { $count } يوم
}
duration-minutes = { $minutes } دقيقة
duration-hours = { $hours } ساعة
duration-hours-minutes = { $hours } ساعة و{ $minutes } دقيقة
duration-under-a-minute = أقل من دقيقة

## Alerts: the default templates of every event and channel

alert-untitled = اجتماع بلا عنوان
alert-meeting-number = الاجتماع { $id }
alert-created-headline = اجتماع جديد:
alert-created-subject = اجتماع جديد: { $topic }
alert-started-headline = بدأ الاجتماع:
alert-started-subject = يبدأ الآن: { $topic }
alert-ended-headline = انتهى الاجتماع:
alert-ended-subject = انتهى: { $topic }
alert-updated-headline = تغيّر الاجتماع:
alert-updated-subject = تغيّر: { $topic }
alert-deleted-headline = أُلغي الاجتماع:
alert-deleted-subject = أُلغي: { $topic }
alert-when = الموعد:
alert-started-at = بدأ:
alert-ended-at = انتهى:
alert-lasted = استمر:
alert-length = المدة:
alert-was = (سابقًا: { $old })
alert-renamed = الاسم السابق:
alert-was-scheduled = كان مقررًا في { $time }.
alert-join = الانضمام إلى الاجتماع
alert-join-label = الانضمام:
alert-passcode = رمز الدخول:
alert-sent-for = أرسله zoom-relay لـ «{ $route }».
alert-unsubscribe = إلغاء الاشتراك
alert-unsubscribe-label = إلغاء الاشتراك:


## Bot replies: the Telegram bot's answers and its command descriptions
# Replies are written in the member's Telegram language (language_code), or the one chosen with
# /language. Telegram HTML is allowed in these messages: <b>, <i>, <code>, <a href>.
# Values such as { $route } arrive already escaped for Telegram HTML.
# (Keep this comment block: it separates the sections.)
# قائمة الأوامر (setMyCommands): نص عادي، 256 حرفًا على الأكثر لكل أمر.
bot-cmd-start = الاشتراك برمز، أو معرفة ما أفعله
bot-cmd-subscribe = الاشتراك برمز من المنظِّم
bot-cmd-list = اشتراكاتك
bot-cmd-mute = إيقاف التنبيهات مؤقتًا: /mute 2h، /mute off
bot-cmd-unsubscribe = إيقاف التنبيهات: كلها، أو /unsubscribe المسار
bot-cmd-language = اختيار لغتي: /language ar
bot-cmd-help = ما الذي أستطيع فعله
bot-cmd-link = للمشرفين: نشر تنبيهات مسار هنا (/link الرمز)
bot-cmd-unlink = للمشرفين: إيقاف نشر التنبيهات هنا
bot-cmd-status = المسارات التي تنشر هنا
# المساعدة والترحيب. أسماء الأوامر (/list، /mute) لا تُترجم.
bot-help-private =
    <b>الأوامر</b>
    /subscribe الرمز – تلقّي تنبيهات مسار هنا
    /list – اشتراكاتك
    /mute 2h – إيقاف التنبيهات مؤقتًا (30m، 2h، 1d، ...)؛ /mute off – استئنافها
    /unsubscribe – إيقاف كل التنبيهات؛ /unsubscribe المسار – إيقاف مسار واحد
    /language – اختيار لغتي
    /help – هذه القائمة
bot-help-organizers = للمنظِّمين: /routes، /test المسار، /pause المسار، /resume المسار، /notices، /leave
bot-help-group =
    <b>الأوامر في مجموعة</b>
    /link الرمز – للمشرفين: نشر تنبيهات مسار في هذه الدردشة أو هذا الموضوع
    /unlink – للمشرفين: إيقاف نشر التنبيهات هنا (أو /unlink المسار)
    /status – المسارات التي تنشر هنا
    /language – اختيار اللغة التي أردّ عليك بها
bot-help-group-private = للتنبيهات الشخصية، راسلني على الخاص.
bot-welcome-hello = مرحبًا! أنشر تنبيهات عندما تبدأ اجتماعات Zoom.
bot-welcome-how = لتلقّيها هنا، افتح الرابط الذي شاركه المنظِّم، أو أرسل <code>/subscribe الرمز</code> مع الرمز الذي أعطاك إياه.
bot-subscribe-how = أرسل <code>/subscribe الرمز</code> مع الرمز الذي أعطاك إياه المنظِّم، أو افتح الرابط الذي شاركه.
bot-private-only = تُدار التنبيهات الشخصية في دردشة خاصة: افتح { $bot } وأرسل /start.
bot-private-only-unnamed = تُدار التنبيهات الشخصية في دردشة خاصة: راسلني على الخاص وأرسل /start.
bot-group-only = هذا يعمل في مجموعة: أضفني إلى المجموعة (أو إلى موضوع المنتدى) وأرسله هناك.
bot-unknown-command = لا أعرف الأمر /{ $command }.
bot-wrong-bot-own = لهذا المجتمع الآن بوت خاص به، @{ $bot }. افتح https://t.me/{ $bot } وأرسل هناك <code>{ $command } الرمز</code> (وللمجموعة، أضف @{ $bot } إليها أولًا). لم يُستخدم الرمز.
bot-wrong-bot-other = هذا الرمز تابع لبوت مجتمع آخر. لم يُستخدم الرمز.
bot-code-unknown = لا أعرف هذا الرمز. تحقّق من عدم وجود أخطاء في كتابته، أو اطلب رمزًا جديدًا من المنظِّم. لم يتغيّر شيء.
bot-code-expired = انتهت صلاحية هذا الرمز. اطلب رمزًا جديدًا من المنظِّم. لم يتغيّر شيء.
bot-code-used = سبق استخدام هذا الرمز؛ كل رابط أو رمز منظِّم يعمل مرة واحدة. اطلب رمزًا جديدًا من المنظِّم. لم يتغيّر شيء.
bot-code-revoked = سحب المنظِّم هذا الرمز. اطلب منه رمزًا ساريًا. لم يتغيّر شيء.
bot-code-is-link = هذا رمز ربط مجموعة: أضفني إلى المجموعة (أو إلى موضوع المنتدى) وأرسل هناك <code>/link الرمز</code>.
bot-code-is-subscribe = هذا رمز اشتراك: أرسله إليّ في دردشة خاصة لتتلقّى التنبيهات بنفسك.
bot-code-is-organizer = هذا رمز منظِّم: أرسله إليّ في دردشة خاصة.
bot-route-gone = المسار الذي يتبعه هذا الرمز لم يعد موجودًا. اطلب رمزًا جديدًا من المنظِّم. لم يتغيّر شيء.
bot-refused-not-found = لم أجد ذلك، لذا لم يتغيّر شيء. (<i>{ $detail }</i>)
bot-refused-conflict = تغيّر شيء ما في اللحظة نفسها، لذا لم يتغيّر شيء؛ حاول مرة أخرى. (<i>{ $detail }</i>)
bot-refused-invalid = لا يمكن فعل ذلك، لذا لم يتغيّر شيء. (<i>{ $detail }</i>)
bot-organizer-welcome =
    أصبحت الآن منظِّمًا لحساب Zoom هذا. ستصل الإشعارات الجديدة (بوت أُزيل، أو webhook يفشل) إلى هنا.

    /routes – مسارات الحساب
    /test المسار – تنبيه تجريبي في هذه الدردشة
    /pause المسار، /resume المسار
    /notices – المشكلات الأخيرة
    /leave – التوقّف عن كونك منظِّمًا
bot-already-subscribed = أنت مشترك بالفعل في <b>{ $route }</b>. يعرض /list اشتراكاتك.
bot-subscribed =
    تم الاشتراك في <b>{ $route }</b>. ستصلك تنبيهاته هنا.

    /mute 2h يوقفها مؤقتًا، و/unsubscribe يوقفها نهائيًا.
bot-no-subscriptions = ليست لديك اشتراكات. أرسل <code>/subscribe الرمز</code> مع رمز من المنظِّم.
bot-list-title = <b>اشتراكاتك</b>
bot-list-paused = (أوقفه المنظِّم مؤقتًا)
bot-list-muted = التنبيهات مكتومة حتى { $time }. يستأنفها /mute off.
bot-not-subscribed-to = لست مشتركًا في مسار باسم <b>{ $route }</b>. يعرض /list اشتراكاتك.
bot-nothing-to-unsubscribe = ليست لديك اشتراكات.
bot-unsubscribed = { $count ->
    [one] أُلغي اشتراكك في { $routes }. لن تصلك تنبيهاته بعد الآن.
   *[other] أُلغيت اشتراكاتك في { $routes }. لن تصلك تنبيهاتها بعد الآن.
}
bot-unmute-not-muted = لم تكن التنبيهات مكتومة.
bot-unmuted = عادت التنبيهات.
bot-mute-how = لكم من الوقت؟ مثلًا <code>/mute 2h</code> أو <code>/mute 30m</code> أو <code>/mute 1d</code>. يستأنف <code>/mute off</code> التنبيهات.
bot-mute-bad = لا أستطيع قراءة <code>{ $input }</code> على أنها مدة. استخدم رقمًا مع وحدة، مثل 30m أو 2h أو 1h30m أو 3d (بحد أقصى { $max }).
bot-mute-nothing = ليست لديك اشتراكات لكتمها.
bot-muted = كُتمت التنبيهات لمدة { $duration }، حتى { $time }. يستأنفها /mute off قبل ذلك.
bot-unit-days = { $count } ي
bot-unit-hours = { $count } س
bot-unit-minutes = { $count } د
bot-unit-seconds = { $count } ث
bot-language-title = <b>اللغات</b>
bot-language-chosen = أتحدث معك بـ{ $name }، كما اخترت.
bot-language-telegram = أتحدث معك بـ{ $name }، لغة تطبيق Telegram لديك.
bot-language-how = أرسل <code>/language الرمز</code> للتغيير، مثلًا <code>/language es</code>، أو <code>/language auto</code> للعودة إلى لغة تطبيق Telegram لديك.
bot-language-set = من الآن أتحدث معك بـ{ $name }. يعيدك <code>/language auto</code> إلى لغة تطبيق Telegram لديك.
bot-language-auto = عدتُ إلى لغة تطبيق Telegram لديك: { $name }.
bot-language-unknown = لا أتحدث <code>{ $input }</code>.
bot-admin-check-failed = تعذّر عليّ الآن التحقق من صلاحياتك كمشرف لدى Telegram. حاول مرة أخرى بعد دقيقة.
bot-admins-only = لا يستطيع فعل ذلك إلا مشرف في هذه المجموعة.
bot-link-how = أرسل <code>/link الرمز</code> مع رمز الربط من المنظِّم (<code>zoom-relay codes create --kind link</code>).
bot-linked = { $place ->
    [topic] تم الربط: ينشر <b>{ $route }</b> تنبيهاته الآن في هذا الموضوع. يوقف /unlink ذلك.
   *[chat] تم الربط: ينشر <b>{ $route }</b> تنبيهاته الآن في هذه الدردشة. يوقف /unlink ذلك.
}
bot-already-posts = { $place ->
    [topic] ينشر <b>{ $route }</b> بالفعل في هذا الموضوع. لم يُستخدم الرمز.
   *[chat] ينشر <b>{ $route }</b> بالفعل في هذه الدردشة. لم يُستخدم الرمز.
}
bot-other-community = هذه الدردشة مرتبطة بمجتمع آخر، لذا لا أستطيع نشر تنبيهات هذا المسار هنا. يستطيع مشرف في هذه المجموعة إرسال /unlink أولًا لتحريرها. لم يُستخدم الرمز.
bot-nothing-posts = { $place ->
    [topic] لا ينشر أي مسار في هذا الموضوع.
   *[chat] لا ينشر أي مسار في هذه الدردشة.
}
bot-unlinked = { $place ->
    [topic] { $count ->
        [one] أُلغي الربط: لم يعد { $routes } ينشر في هذا الموضوع.
       *[other] أُلغي الربط: لم تعد { $routes } تنشر في هذا الموضوع.
    }
   *[chat] { $count ->
        [one] أُلغي الربط: لم يعد { $routes } ينشر في هذه الدردشة.
       *[other] أُلغي الربط: لم تعد { $routes } تنشر في هذه الدردشة.
    }
}
bot-status-none = { $place ->
    [topic] لا ينشر أي مسار في هذا الموضوع. يستطيع المشرف إرسال <code>/link الرمز</code> لإضافة مسار.
   *[chat] لا ينشر أي مسار في هذه الدردشة. يستطيع المشرف إرسال <code>/link الرمز</code> لإضافة مسار.
}
bot-status-title = { $place ->
    [topic] <b>المسارات التي تنشر في هذا الموضوع</b>
   *[chat] <b>المسارات التي تنشر في هذه الدردشة</b>
}
bot-paused = (متوقف مؤقتًا)
bot-organizers-only = عذرًا، هذا الأمر للمنظِّمين. يجعلك رمز منظِّم من مشغّل المُرحِّل (<code>zoom-relay codes create --kind organizer</code>) منظِّمًا.
bot-name-the-route = اذكر اسم المسار، مثلًا <code>/pause Weekly sync</code>. يعرض /routes المسارات.
bot-no-such-route = لا يوجد مسار باسم <b>{ $route }</b> في حساباتك. يعرض /routes المسارات.
bot-route-ambiguous = لدى أكثر من حساب من حساباتك مسار باسم <b>{ $route }</b>؛ غيّر اسم أحدها عبر سطر الأوامر.
bot-no-routes = لا توجد مسارات في حساباتك بعد.
bot-routes-title = <b>المسارات</b>
bot-destinations = { $count ->
    [zero] لا وجهات
    [one] وجهة واحدة
    [two] وجهتان
    [few] { $count } وجهات
    [many] { $count } وجهة
   *[other] { $count } وجهة
}
bot-already-running = <b>{ $route }</b> يعمل بالفعل.
bot-already-paused = <b>{ $route }</b> متوقف مؤقتًا بالفعل.
bot-resumed = عاد <b>{ $route }</b> إلى العمل.
bot-paused-now = <b>{ $route }</b> متوقف مؤقتًا: لا تنبيهات حتى /resume.
bot-no-notices = لا إشعارات: لا شيء يحتاج إلى انتباهك.
bot-notices-title = <b>الإشعارات الأخيرة</b>
bot-left = { $count ->
    [zero] لم تعد منظِّمًا: لا إشعارات هنا بعد الآن، وأوامر المنظِّمين متوقفة. يجعلك رمز منظِّم منظِّمًا من جديد.
    [one] لم تعد منظِّمًا (حساب واحد): لا إشعارات هنا بعد الآن، وأوامر المنظِّمين متوقفة. يجعلك رمز منظِّم منظِّمًا من جديد.
    [two] لم تعد منظِّمًا (حسابان): لا إشعارات هنا بعد الآن، وأوامر المنظِّمين متوقفة. يجعلك رمز منظِّم منظِّمًا من جديد.
    [few] لم تعد منظِّمًا ({ $count } حسابات): لا إشعارات هنا بعد الآن، وأوامر المنظِّمين متوقفة. يجعلك رمز منظِّم منظِّمًا من جديد.
   *[other] لم تعد منظِّمًا ({ $count } حسابًا): لا إشعارات هنا بعد الآن، وأوامر المنظِّمين متوقفة. يجعلك رمز منظِّم منظِّمًا من جديد.
}
bot-test-failed = تعذّر إنشاء رسالة { $event } التجريبية لـ<b>{ $route }</b>؛ راجع قوالبها باستخدام <code>zoom-relay templates preview</code>.
bot-notice = ⚠️ <b>إشعار</b>:
bot-notice-route = ⚠️ <b>إشعار</b>، المسار <b>{ $route }</b>:


## Member pages and emails: join, confirm, manage and unsubscribe
# Pages follow the member's stored choice, then Accept-Language, then the route's language.
# These messages are plain text; the page escapes them.
# (Keep this comment block: it separates the sections.)

page-language = اللغة
page-try-again-title = حاول مرة أخرى
page-try-again = تعذّر تنفيذ هذا الآن. يُرجى المحاولة مرة أخرى بعد دقيقة.
page-save-failed = تعذّر حفظ هذا الآن. يُرجى المحاولة مرة أخرى بعد دقيقة.
page-link-not-valid = الرابط غير صالح
page-join-gone = رابط الانضمام هذا لا يعمل (أو لم يعد يعمل). اطلب الرابط الحالي من منظّم المجموعة.
page-join-title = الانضمام إلى { $route }
page-join-events = ستصلك رسالة عندما: { $events }.
page-event-created = يُجدوَل اجتماع
page-event-started = يبدأ الاجتماع
page-event-ended = ينتهي الاجتماع
page-event-updated = يتغيّر الاجتماع
page-event-deleted = يُلغى الاجتماع
page-list-separator = { "، " }
page-join-filter-topic = فقط الاجتماعات التي يحتوي عنوانها على «{ $text }».
page-join-filter-some = فقط بعض اجتماعات المجتمع.
page-join-telegram = عبر تيليغرام
page-join-telegram-button = افتح تيليغرام واضغط «ابدأ»
page-join-email = عبر البريد الإلكتروني
page-join-email-label = عنوان بريدك الإلكتروني
page-join-email-button = أرسل لي رسالة تأكيد
page-join-email-note = نرسل إليك أولًا رسالة واحدة فقط. لن يصلك شيء آخر حتى تضغط «تأكيد» فيها. وفي كل تنبيه رابط لإيقاف التنبيهات مؤقتًا أو نهائيًا.
page-join-closed = الانضمام غير متاح هنا بعد. اسأل منظّم المجموعة.
page-email-missing = يُرجى كتابة عنوان بريدك الإلكتروني في الحقل.
page-email-empty = يُرجى كتابة عنوان بريدك الإلكتروني.
page-email-too-long = هذا العنوان أطول من أن يكون عنوان بريد إلكتروني.
page-email-not-plain = يُرجى كتابة عنوان واحد فقط دون إضافات، مثل name@example.org.
page-email-spaces = لا يحتوي عنوان البريد الإلكتروني على مسافات أو فواصل أسطر.
page-email-no-at = لا يبدو هذا عنوان بريد إلكتروني (ليس فيه @).
page-email-invalid = لا يبدو هذا عنوان بريد إلكتروني.
page-email-no-mail = مُرحِّل هذا المجتمع لا يرسل رسائل بريد إلكتروني.
page-wait-title = يُرجى الانتظار قليلًا
page-wait = وصلت للتو طلبات تسجيل كثيرة من شبكتك. يُرجى المحاولة مرة أخرى بعد عشر دقائق.
page-check-title = تفقّد بريدك الوارد
page-check = إذا كان بإمكان { $address } تلقّي تنبيهات { $route }، فهناك رسالة في طريقها إليه. افتحها واضغط «تأكيد» خلال 48 ساعة.
page-check-spam = لم يصل شيء بعد بضع دقائق؟ تفقّد مجلد الرسائل غير المرغوب فيها. يمكنك الطلب مرة أخرى غدًا.
page-confirm-bad = رابط التأكيد هذا لا يعمل. الروابط صالحة لمدة 48 ساعة: اطلب رابطًا جديدًا من صفحة الانضمام إلى المجموعة.
page-confirm-title = أكّد تنبيهاتك
page-confirm-question = هل تريد إرسال تنبيهات { $route } إلى { $address }؟
page-confirm-button = تأكيد
page-confirmed-title = تمّ اشتراكك
page-confirmed = يتلقّى { $address } الآن تنبيهات { $route }.
page-confirmed-manage = في كل تنبيه رابط لإيقاف التنبيهات مؤقتًا أو نهائيًا. ويمكنك أيضًا استخدام هذه الصفحة:
page-confirmed-manage-link = تنبيهاتك
page-route-gone-title = المجموعة غير موجودة
page-route-gone = حذف منظّم هذه المجموعة تنبيهاتها، فلا يوجد ما يمكن تأكيده.
page-manage-bad = هذا الرابط لا يعمل. استخدم الرابط الموجود في أسفل تنبيه حديث.
page-manage-title = تنبيهاتك
page-manage-active = يتلقّى { $address } تنبيهات { $route }.
page-manage-paused = تنبيهات { $route } إلى { $address } متوقفة مؤقتًا حتى { $date }.
page-manage-pending = لم يُؤكَّد { $address } بعد لـ { $route }: اضغط «تأكيد» في الرسالة التي أرسلناها.
page-manage-none = لا يتلقّى { $address } أي تنبيهات من { $route }. للانضمام من جديد، استخدم صفحة الانضمام إلى المجموعة.
page-pause-week = إيقاف مؤقت لمدة أسبوع
page-pause-month = إيقاف مؤقت لمدة شهر
page-resume = الاستئناف الآن
page-stop = إيقاف هذه التنبيهات
page-manage-use-buttons = يُرجى استخدام أحد الأزرار في الصفحة.
page-done-stopped = تمّ: لن تصلك تنبيهات بعد الآن.
page-done-resumed = عادت التنبيهات من جديد.
page-done-paused = متوقفة مؤقتًا حتى { $date }.
page-done-nothing = لا شيء لتغييره.
page-unsubscribe-bad = رابط إلغاء الاشتراك هذا غير صالح. استخدم الرابط الموجود في تنبيه حديث.
page-unsubscribe-title = إلغاء الاشتراك
page-unsubscribe-question = هل تريد إيقاف إرسال تنبيهات { $route } إلى { $address }؟
page-unsubscribe-button = إلغاء الاشتراك
page-unsubscribed-title = أُلغي الاشتراك
page-unsubscribed = لن يتلقّى { $address } بعد الآن تنبيهات { $route }.
mail-confirm-subject = يُرجى التأكيد: تنبيهات { $route }
mail-confirm-why-member = طلب أحدهم (ونأمل أن تكون أنت) تلقّي تنبيهات «{ $route }».
mail-confirm-why-organizer = أضاف أحد منظّمي «{ $route }» هذا العنوان إلى تنبيهات الاجتماعات.
mail-confirm-open = لتبدأ بتلقّيها، افتح هذا الرابط واضغط «تأكيد» (الرابط صالح لمدة 48 ساعة):
mail-confirm-button = التأكيد وبدء تلقّي التنبيهات
mail-confirm-expires = الرابط صالح لمدة 48 ساعة.
mail-confirm-ignore = إذا لم تطلب هذا، فتجاهل هذه الرسالة: لن يصلك منّا أي شيء آخر.
mail-footer-manage = إيقاف هذه التنبيهات مؤقتًا أو نهائيًا
