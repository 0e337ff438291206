//! Three invented portals for site memory: each prints its own furniture (its name, a slogan, a
//! menu, a line inside the article, a disclaimer, its editors' names) around varied invented
//! articles. None of the furniture is in any marker list, so only learning the site tells it
//! from the article. Two portals publish text captures, one HTML.

use akhbar::extract::normalize::match_key;

/// Pages of one portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain-text captures.
    Text,
    /// HTML pages.
    Html,
}

/// One invented portal.
#[derive(Debug, Clone)]
pub struct Portal {
    /// The host of its URLs.
    pub host: &'static str,
    /// The site its articles are published under (the host, or the HTML page's own name).
    pub site: &'static str,
    /// Text or HTML.
    pub format: Format,
    /// Lines above the headline.
    pub header: [&'static str; 3],
    /// A line printed inside the article, between two paragraphs.
    pub inline: &'static str,
    /// Lines after the article.
    pub footer: [&'static str; 2],
    /// A line after the article on two pages of three.
    pub sometimes: &'static str,
}

/// The three portals.
pub fn portals() -> [Portal; 3] {
    [
        Portal {
            host: "sada-alwadi.example",
            site: "sada-alwadi.example",
            format: Format::Text,
            header: [
                "صدى الوادي",
                "نافذتكم اليومية على أخبار القرى والبلدات منذ عقدين",
                "محليات ـ اقتصاد الوادي ـ ملاعب ـ أقلام حرة ـ مواسم",
            ],
            inline: "يصدر صدى الوادي عن دار الندى للطباعة",
            footer: [
                "ملاحظة: اللقطات المرفقة بالأخبار للتوضيح فقط، ولا تعود بالضرورة إلى الحدث نفسه.",
                "فريق العمل هالة الصباغ ونبيل عوض وسمر الخياط",
            ],
            sometimes: "أرسلوا ملاحظاتكم وصوركم إلى عنوان الدار في شارع الجمهورية",
        },
        Portal {
            host: "anbaa-alhadaba.example",
            site: "anbaa-alhadaba.example",
            format: Format::Text,
            header: [
                "أخبار الهضبة | شؤون عربية | اقتصاد وأعمال | ملاعب | صحة",
                "أنباء الهضبة",
                "الكلمة الصادقة قبل الخبر السريع",
            ],
            inline: "هيئة التحرير تذكر القراء بأن الأسعار الواردة تقريبية",
            footer: [
                "تنشر أنباء الهضبة ما يصلها من بيانات كما وردت، ويتحمل أصحابها مسؤولية مضمونها.",
                "المدير المسؤول عادل بن عمر ومنسقة الأقسام منى الشريف",
            ],
            sometimes: "للتواصل مع قسم الأخبار المحلية اتصلوا بالرقم المجاني",
        },
        Portal {
            host: "nabd-alsahel.example",
            site: "نبض الساحل",
            format: Format::Html,
            header: [
                "نبض الساحل",
                "حيث تبدأ الحكاية من الميناء",
                "الميناء والبحر ـ المدينة ـ أسواق ـ ثقافة",
            ],
            inline: "نبض الساحل يرافقكم كل صباح من قلب الميناء القديم",
            footer: [
                "جميع المواد المنشورة تعكس اجتهاد محرريها وتخضع للمراجعة الدورية.",
                "صياغة رامي الحداد وتدقيق نوال السعدي",
            ],
            sometimes: "النسخة الورقية متوفرة في أكشاك المدينة كل خميس",
        },
    ]
}

/// One generated page: what is published and what its article is.
#[derive(Debug, Clone)]
pub struct PortalPage {
    /// Its URL.
    pub url: String,
    /// Its Content-Type.
    pub content_type: &'static str,
    /// The page.
    pub bytes: Vec<u8>,
    /// The article's headline.
    pub title: String,
    /// The article's paragraphs: what a perfect body holds.
    pub paragraphs: Vec<String>,
    /// The portal's furniture printed on this page.
    pub furniture: Vec<&'static str>,
}

/// A small deterministic generator (a linear congruential one) for varied articles.
struct Dice(u64);

impl Dice {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        from[((self.0 >> 33) as usize) % from.len()]
    }

    fn number(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

const SUBJECTS: &[&str] = &[
    "وزارة الزراعة",
    "بلدية المدينة",
    "هيئة الموانئ",
    "جامعة الساحل",
    "نقابة المعلمين",
    "غرفة التجارة",
    "مجلس المحافظة",
    "شركة الكهرباء",
    "إدارة المرور",
    "مستشفى الرحمة",
    "جمعية الصيادين",
    "مديرية الأوقاف",
];
const VERBS: &[&str] = &["أطلقت", "أعلنت", "افتتحت", "ناقشت", "أقرت", "درست", "عرضت"];
const OBJECTS: &[&str] = &[
    "مشروعا لتوسعة شبكة الري",
    "خطة لتطوير الأسواق الشعبية",
    "برنامجا لتدريب الخريجين الجدد",
    "مبادرة لتشجير الطرق الرئيسية",
    "حملة لصيانة المدارس الحكومية",
    "دراسة لتحسين خدمات النقل العام",
    "مخططا لحماية الشاطئ من التآكل",
    "مسابقة لدعم المشاريع الصغيرة",
];
const PLACES: &[&str] = &[
    "في حي الزيتون",
    "في بلدة العين",
    "على طريق الساحل",
    "قرب السوق القديم",
    "في ضاحية الورود",
    "عند مدخل الميناء",
    "في قرية الصفصاف",
    "على ضفاف النهر",
];
const OFFICIALS: &[&str] = &[
    "المهندس سامي العلي",
    "الدكتورة ريم حداد",
    "المتحدث الرسمي كريم يوسف",
    "المديرة التنفيذية لينا جابر",
    "رئيس اللجنة فارس منصور",
    "الخبير الاقتصادي ماهر سليمان",
];
const MONTHS: &[&str] = &[
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
const DAYS: &[&str] = &["الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "السبت"];
const EVENTS: &[&str] = &[
    "موجة أمطار غزيرة",
    "سلسلة اجتماعات مطولة",
    "احتجاجات محدودة",
    "أزمة في توريد الوقود",
    "انقطاعات متكررة للتيار",
    "جولة ميدانية للمسؤولين",
];
const TOPICS: &[&str] = &[
    "أولويات الإنفاق المحلي",
    "دور البلديات في التنمية",
    "جودة الخدمات العامة",
    "مستقبل الشباب في المنطقة",
    "حماية البيئة الساحلية",
];

/// Page `n` of portal `p`: an invented article of four to seven paragraphs in the portal's
/// furniture.
pub fn portal_page(p: usize, n: u64) -> PortalPage {
    let portal = &portals()[p];
    let mut d = Dice(n * 7919 + p as u64 * 104_729 + 17);
    let subject = d.pick(SUBJECTS);
    let verb = d.pick(VERBS);
    let object = d.pick(OBJECTS);
    let place = d.pick(PLACES);
    let official = d.pick(OFFICIALS);
    let area = d
        .pick(PLACES)
        .split(' ')
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    let amount = 3 + d.number(90) + n;
    let workers = 40 + 7 * n + d.number(20);
    let months = 2 + d.number(9);
    let day = d.pick(DAYS);
    let month = d.pick(MONTHS);
    let title = format!("{subject} {verb} {object} {place}");
    let mut paragraphs = vec![
        format!(
            "{verb} {subject} يوم {day} الماضي {object} {place}، في خطوة قالت إنها تأتي استجابة \
             لمطالب السكان التي تكررت خلال الأشهر الماضية بحسب بيان رسمي رقم {n}."
        ),
        format!(
            "وقال {official} في تصريح للصحفيين إن المرحلة الأولى ستكلف نحو {amount} مليونا، وإن \
             العمل سيبدأ مطلع شهر {month} المقبل إذا اكتملت الإجراءات في موعدها."
        ),
        format!(
            "وأضاف أن {workers} عاملا سيشاركون في التنفيذ، مشيرا إلى أن الجهات المعنية وضعت \
             جدولا زمنيا واضحا لكل مرحلة من مراحل المشروع وآلية لمتابعة الإنجاز."
        ),
    ];
    let extra = [
        format!(
            "من جهتهم، رحب عدد من أهالي {area} بالخطوة، وطالبوا بإشراكهم في متابعة التنفيذ حتى \
             لا تتكرر أخطاء المشاريع السابقة التي تعثرت قبل {months} سنوات."
        ),
        format!(
            "ويأتي ذلك بعد {} شهدتها المنطقة في شهر {month}، وأثارت نقاشا واسعا حول {} بين \
             المواطنين والمسؤولين على حد سواء.",
            d.pick(EVENTS),
            d.pick(TOPICS)
        ),
        format!(
            "وختم {official} حديثه بالتأكيد على أن نتائج المشروع ستظهر خلال {months} أشهر على \
             الأكثر، وأن تقريرا مفصلا عن الإنفاق سينشر للعموم عند انتهاء المرحلة الأولى."
        ),
        format!(
            "وتشير أرقام غير رسمية إلى أن نحو {} أسرة ستستفيد مباشرة من المشروع، فيما ينتظر \
             أن تتحسن الحركة التجارية {place} خلال الموسم المقبل.",
            120 + 13 * n
        ),
    ];
    let take = 1 + d.number(4) as usize;
    paragraphs.extend(extra.into_iter().take(take));
    let date = format!("{day} {} {month} 2024", 1 + n % 28);
    let mut furniture: Vec<&'static str> = portal.header.to_vec();
    furniture.push(portal.inline);
    furniture.extend(portal.footer);
    let sometimes = n % 3 != 2;
    if sometimes {
        furniture.push(portal.sometimes);
    }
    let url = format!("https://{}/news/{}/{n}", portal.host, 2024 + p);
    let (content_type, bytes) = match portal.format {
        Format::Text => {
            let mut lines: Vec<String> = portal.header.iter().map(|s| s.to_string()).collect();
            lines.push(String::new());
            lines.push(title.clone());
            lines.push(date);
            lines.push(String::new());
            for (i, para) in paragraphs.iter().enumerate() {
                lines.push(para.clone());
                lines.push(String::new());
                if i == 1 {
                    lines.push(portal.inline.to_string());
                    lines.push(String::new());
                }
            }
            lines.extend(portal.footer.iter().map(|s| s.to_string()));
            if sometimes {
                lines.push(portal.sometimes.to_string());
            }
            ("text/plain; charset=utf-8", lines.join("\n").into_bytes())
        }
        Format::Html => {
            let mut body = String::new();
            for (i, para) in paragraphs.iter().enumerate() {
                body.push_str(&format!("<p>{para}</p>\n"));
                if i == 1 {
                    body.push_str(&format!("<p>{}</p>\n", portal.inline));
                }
            }
            for line in portal.footer {
                body.push_str(&format!("<p>{line}</p>\n"));
            }
            if sometimes {
                body.push_str(&format!("<p>{}</p>\n", portal.sometimes));
            }
            let [name, motto, menu] = portal.header;
            let html = format!(
                "<!DOCTYPE html><html lang=\"ar\" dir=\"rtl\"><head><meta charset=\"utf-8\">\
                 <title>{title} - {name}</title>\
                 <meta property=\"og:site_name\" content=\"{}\"></head><body>\
                 <div class=\"top\"><div class=\"brand\">{name}</div><div>{motto}</div>\
                 <div class=\"links\">{menu}</div></div>\
                 <div class=\"main\"><div class=\"story\"><h1>{title}</h1>\
                 <div class=\"when\">{date}</div>\n<div class=\"text\">\n{body}</div></div></div>\
                 </body></html>",
                portal.site
            );
            ("text/html; charset=utf-8", html.into_bytes())
        }
    };
    PortalPage {
        url,
        content_type,
        bytes,
        title,
        paragraphs,
        furniture,
    }
}

/// How a body fares against its page: the furniture lines it still holds, and the share of
/// the article's paragraphs it holds (body recall).
pub fn judge_body(page: &PortalPage, body: &str) -> (Vec<&'static str>, f64) {
    let body_key = match_key(body);
    let left: Vec<&'static str> = page
        .furniture
        .iter()
        .filter(|f| body_key.contains(&match_key(f)))
        .copied()
        .collect();
    let kept: std::collections::HashSet<String> = body.split("\n\n").map(match_key).collect();
    let found = page
        .paragraphs
        .iter()
        .filter(|p| kept.contains(&match_key(p)))
        .count();
    (left, found as f64 / page.paragraphs.len() as f64)
}

/// The order pages are streamed in: page 0 of each portal, then page 1 of each, …
pub fn interleaved(pages_per_portal: u64) -> Vec<(usize, u64)> {
    (0..pages_per_portal)
        .flat_map(|n| (0..3).map(move |p| (p, n)))
        .collect()
}
