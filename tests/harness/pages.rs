//! Unique Arabic article pages: each page number gives its own text, so its own article id;
//! copies of one story as portals print it; and bytes that are no text at all.

const WORDS: &[&str] = &[
    "الحكومة",
    "البرلمان",
    "الاقتصاد",
    "المدينة",
    "الوزير",
    "المجلس",
    "الشركة",
    "السوق",
    "الطاقة",
    "المياه",
    "التعليم",
    "الصحة",
    "الزراعة",
    "النقل",
    "الميناء",
    "المطار",
];

/// A number spelled with Arabic words, so that it survives any digit normalisation.
fn spell(mut n: u64) -> String {
    let mut parts = Vec::new();
    loop {
        parts.push(WORDS[(n % 16) as usize]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    parts.join(" و")
}

/// The text of a unique Arabic news article, paragraphs separated by blank lines.
pub fn article_text(i: u64) -> String {
    let tag = spell(i);
    let mut paras = Vec::new();
    paras.push(format!(
        "أعلنت مصادر رسمية اليوم عن خطة جديدة تخص {tag} في إطار برنامج التطوير رقم {i}، وقالت إن \
         العمل سيبدأ خلال الأسابيع المقبلة بعد موافقة الجهات المختصة على التفاصيل كلها."
    ));
    paras.push(format!(
        "وأوضح المتحدث باسم الوزارة أن المشروع الخاص بـ{tag} يهدف إلى تحسين الخدمات المقدمة \
         للمواطنين، مشيراً إلى أن التكلفة الإجمالية تقدر بملايين الدولارات وأن التمويل متوفر."
    ));
    paras.push(format!(
        "ومن المتوقع أن يوفر المشروع آلاف فرص العمل للشباب في المنطقة، بحسب ما ذكره التقرير \
         الذي نشر اليوم حول {tag}، والذي أشار إلى أهمية التعاون بين القطاعين العام والخاص."
    ));
    paras.join("\n\n")
}

/// Text whose paragraphs are separated by blank lines, as one `<p>` element a line.
pub fn paragraphs_html(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{p}</p>\n"))
        .collect()
}

/// A unique HTML article page (UTF-8) whose body yields a unique article id.
pub fn article_html(i: u64) -> String {
    let body = paragraphs_html(&article_text(i));
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
         <title>خبر رقم {i}</title><meta property=\"og:site_name\" content=\"news.example\"></head>\
         <body><nav><a href=\"/\">الرئيسية</a> <a href=\"/x\">سياسة</a></nav>\
         <article><h1>خبر عن {} رقم {i}</h1>\n{body}</article>\
         <footer>جميع الحقوق محفوظة</footer></body></html>",
        spell(i)
    )
}

/// The URL given to page `i`.
pub fn page_url(i: u64) -> String {
    format!("https://news.example/a/{i}")
}

/// A NATS header map for a raw page.
pub fn page_headers(url: &str, content_type: &str) -> async_nats::HeaderMap {
    let mut h = async_nats::HeaderMap::new();
    h.insert("Akhbar-Url", url);
    h.insert("Content-Type", content_type);
    h.insert("Akhbar-Fetched-At", "2026-11-26T01:00:00Z");
    h
}

/// `data` gzipped (best compression).
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).expect("gzip into memory");
    e.finish().expect("gzip into memory")
}

/// `n` pseudo-random bytes (xorshift from `seed`): a page that is no text in any charset.
pub fn noise_bytes(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// Sentences of one invented wire report, as portals copy it.
const STORY: [&str; 6] = [
    "أعلنت هيئة الأرصاد الجوية أن موجة من الأمطار الغزيرة ستضرب المناطق الساحلية خلال الأيام \
     المقبلة، ودعت السكان إلى توخي الحذر وتجنب الاقتراب من مجاري السيول والأودية.",
    "وقال المتحدث باسم الهيئة في مؤتمر صحفي إن الفرق الميدانية رفعت درجة الاستعداد في جميع \
     المحافظات، وإن غرف العمليات ستعمل على مدار الساعة لمتابعة تطورات الحالة الجوية.",
    "وأضاف أن المدارس في المناطق الأكثر تأثرا ستعلق الدراسة الحضورية وتنتقل إلى التعليم عن بعد \
     حتى تنتهي الموجة، بالتنسيق مع وزارة التربية والسلطات المحلية.",
    "وأشار إلى أن سرعة الرياح قد تتجاوز المعدلات المعتادة في هذا الوقت من العام، وأن ارتفاع \
     الأمواج سيمنع خروج قوارب الصيد من الموانئ الصغيرة طوال فترة التحذير.",
    "ودعت الهيئة السائقين إلى تخفيف السرعة على الطرق السريعة، والابتعاد عن الأنفاق المنخفضة التي \
     قد تتجمع فيها المياه، والاستماع إلى النشرات الرسمية قبل أي سفر.",
    "وختم المتحدث بالتأكيد على أن الهيئة ستصدر تحديثات دورية عبر موقعها الرسمي وحساباتها على \
     منصات التواصل الاجتماعي، وأن المعلومات المتداولة من مصادر غير رسمية لا يعتد بها.",
];

/// Copy `k` of one story as a portal would print it: the same report naming the portal in its
/// first sentence, one sentence of the middle dropped, the portal's own furniture around it;
/// every copy has its own body, so its own article id.
pub fn story_copy_text(k: u64) -> String {
    let dropped = 1 + (k as usize % 4);
    let portal = spell(k + 100);
    STORY
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != dropped)
        .map(|(i, p)| match i {
            0 => p.replacen(
                "أعلنت هيئة الأرصاد الجوية",
                &format!("نقل موقع {portal} عن هيئة الأرصاد الجوية"),
                1,
            ),
            _ => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// [`story_copy_text`] as an HTML page.
pub fn story_copy_html(k: u64) -> String {
    let paras = paragraphs_html(&story_copy_text(k));
    format!(
        "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
         <title>تحذير من أمطار غزيرة</title></head>\
         <body><nav><a href=\"/\">الرئيسية</a></nav>\
         <article><h1>الأرصاد تحذر من أمطار غزيرة على السواحل</h1>\n{paras}</article>\
         <footer>جميع الحقوق محفوظة</footer></body></html>"
    )
}
