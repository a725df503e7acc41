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
