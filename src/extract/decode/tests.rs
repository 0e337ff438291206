use std::io::Write;

use encoding_rs::{ISO_8859_6, WINDOWS_1252, WINDOWS_1256};
use flate2::{write::GzEncoder, Compression};

use super::*;

const ARABIC: &str = "أعلنت وزارة الصحة في القاهرة، يوم الأحد، عن خطة جديدة لتطوير المستشفيات \
الحكومية في المحافظات خلال العام المقبل، وقال المتحدث باسم الوزارة إن الخطة تشمل بناء عشرين \
مستشفى وتدريب آلاف الأطباء والممرضين على أحدث الأساليب العلاجية. وأضاف أن التمويل سيأتي من \
الموازنة العامة للدولة ومن شراكات مع القطاع الخاص، مؤكداً أن المواطنين سيلمسون التحسن قريباً.";

fn cp1256(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = WINDOWS_1256.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn html_page(head: &str, body: &str) -> String {
    format!("<html><head>{head}<title>خبر</title></head><body><p>{body}</p></body></html>")
}

#[test]
fn windows_1256_without_any_declaration_is_detected() {
    let d = decode(&cp1256(ARABIC), None).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, ARABIC);
    assert!(!d.is_html);
}

#[test]
fn windows_1256_meta_charset_is_honoured() {
    let page = html_page(r#"<meta charset="windows-1256">"#, "السلام عليكم");
    let d = decode(&cp1256(&page), None).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, page);
    assert!(d.is_html);
}

#[test]
fn http_equiv_meta_names_the_charset() {
    let page = html_page(
        r#"<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=cp1256">"#,
        "مرحبا بكم",
    );
    let d = decode(&cp1256(&page), None).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, page);
}

#[test]
fn content_type_charset_comes_first() {
    let d = decode(
        &cp1256("خبر عاجل"),
        Some("text/plain; charset=\"windows-1256\""),
    )
    .unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, "خبر عاجل");
}

#[test]
fn content_type_charset_beats_a_wrong_meta() {
    let page = html_page(r#"<meta charset="iso-8859-6">"#, "ضغط، پ");
    let d = decode(&cp1256(&page), Some("text/html; charset=windows-1256")).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, page);
}

#[test]
fn iso_8859_6_declared_decodes() {
    let (bytes, _, unmappable) = ISO_8859_6.encode(ARABIC);
    assert!(!unmappable);
    let d = decode(&bytes, Some("text/plain; charset=ISO-8859-6")).unwrap();
    assert_eq!(d.encoding, "ISO-8859-6");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn iso_8859_6_without_declaration_is_detected() {
    let (bytes, _, _) = ISO_8859_6.encode(ARABIC);
    let d = decode(&bytes, None).unwrap();
    assert_eq!(d.encoding, "ISO-8859-6");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn iso_8859_6_meta_decodes() {
    let page = html_page(r#"<meta charset="iso-8859-6">"#, ARABIC);
    let (bytes, _, _) = ISO_8859_6.encode(&page);
    let d = decode(&bytes, None).unwrap();
    assert_eq!(d.encoding, "ISO-8859-6");
    assert_eq!(d.text, page);
}

#[test]
fn utf8_bom_is_honoured_and_dropped() {
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend_from_slice(ARABIC.as_bytes());
    let d = decode(&bytes, None).unwrap();
    assert_eq!(d.encoding, "UTF-8");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn utf16_boms_decode_both_byte_orders() {
    let mut le = vec![0xff, 0xfe];
    let mut be = vec![0xfe, 0xff];
    for unit in ARABIC.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
        be.extend_from_slice(&unit.to_be_bytes());
    }
    let d = decode(&le, None).unwrap();
    assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", ARABIC));
    let d = decode(&be, None).unwrap();
    assert_eq!((d.encoding, d.text.as_str()), ("UTF-16BE", ARABIC));
}

#[test]
fn utf16_without_bom_is_recognised_not_called_binary() {
    let bytes: Vec<u8> = ARABIC.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let d = decode(&bytes, None).unwrap();
    assert_eq!(d.text, ARABIC);
}

#[test]
fn lying_utf8_declaration_falls_back_to_detection() {
    let d = decode(&cp1256(ARABIC), Some("text/html; charset=utf-8")).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn lying_utf8_meta_falls_back_to_detection() {
    let page = html_page(r#"<meta charset="utf-8">"#, ARABIC);
    let d = decode(&cp1256(&page), None).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, page);
}

#[test]
fn legacy_charset_declared_over_utf8_bytes_gives_utf8() {
    let page = html_page(r#"<meta charset="windows-1256">"#, ARABIC);
    let d = decode(page.as_bytes(), Some("text/html; charset=windows-1256")).unwrap();
    assert_eq!(d.encoding, "UTF-8");
    assert_eq!(d.text, page);
}

#[test]
fn latin1_declared_over_windows_1256_arabic_is_overruled() {
    let d = decode(&cp1256(ARABIC), Some("text/html; charset=ISO-8859-1")).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn windows_1256_declared_over_iso_8859_6_bytes_is_overruled() {
    let (bytes, _, _) = ISO_8859_6.encode(ARABIC);
    let d = decode(&bytes, Some("text/plain; charset=windows-1256")).unwrap();
    assert_eq!(d.text, ARABIC);
}

#[test]
fn iso_8859_6_declared_over_windows_1256_bytes_is_overruled() {
    let d = decode(&cp1256(ARABIC), Some("text/plain; charset=iso-8859-6")).unwrap();
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.text, ARABIC);
}

#[test]
fn real_latin1_text_keeps_its_declared_charset() {
    let french =
        "Le café de la place a rouvert déjà hier; les élèves étaient très contents à Montréal.";
    let (bytes, _, _) = WINDOWS_1252.encode(french);
    let d = decode(&bytes, Some("text/plain; charset=iso-8859-1")).unwrap();
    assert_eq!(d.encoding, "windows-1252");
    assert_eq!(d.text, french);
}

#[test]
fn utf8_with_a_stray_byte_stays_utf8() {
    let mut bytes = ARABIC.as_bytes().to_vec();
    bytes.push(0xd8);
    let d = decode(&bytes, None).unwrap();
    assert_eq!(d.encoding, "UTF-8");
    assert!(d.text.starts_with(ARABIC));
}

#[test]
fn unknown_charset_label_is_ignored() {
    let d = decode(ARABIC.as_bytes(), Some("text/plain; charset=klingon")).unwrap();
    assert_eq!(d.text, ARABIC);
}

#[test]
fn windows_1256_mojibake_is_repaired() {
    let (mojibake, _, _) = WINDOWS_1256.decode(ARABIC.as_bytes());
    assert!(mojibake.contains("ط§ظ„"));
    let d = decode(mojibake.as_bytes(), Some("text/plain; charset=utf-8")).unwrap();
    assert_eq!(d.text, ARABIC);
}

#[test]
fn windows_1252_mojibake_is_repaired() {
    let (mojibake, _, _) = WINDOWS_1252.decode(ARABIC.as_bytes());
    assert!(mojibake.contains("Ø§Ù„"));
    assert_eq!(repair_mojibake(&mojibake), ARABIC);
}

#[test]
fn mojibake_inside_html_is_repaired_and_markup_kept() {
    let page = html_page(
        r#"<meta charset="utf-8">"#,
        "الحكومة «تعلن» خطة، اليوم ١٥ نوفمبر",
    );
    let (mojibake, _, _) = WINDOWS_1256.decode(page.as_bytes());
    assert_eq!(repair_mojibake(&mojibake), page);
}

#[test]
fn real_arabic_is_never_touched() {
    for text in [
        ARABIC,
        "ضغط، ط، ظ؟ ع؛ غ« »",
        "ب، ت، ث، ج، ح، خ، د، ذ، ر، ز، س، ش، ص، ض، ط، ظ، ع، غ، ف، ق، ك، ل، م، ن، ه، و، ي",
        "پژوهش گزارش چهارشنبه ک ی",
        "café été Ça — “quoted” ‘single’ € ™",
    ] {
        assert_eq!(repair_mojibake(text), text, "changed: {text}");
    }
}

#[test]
fn single_letter_mojibake_repaired_only_with_other_evidence() {
    let (mojibake, _, _) = WINDOWS_1256.decode("و الحكومة و الشعب".as_bytes());
    assert_eq!(repair_mojibake(&mojibake), "و الحكومة و الشعب");
}

#[test]
fn gzip_input_is_inflated() {
    let out = inflate(&gzip(ARABIC.as_bytes()), 1 << 20).unwrap();
    assert_eq!(out.as_deref(), Some(ARABIC.as_bytes()));
}

#[test]
fn non_gzip_input_is_left_alone() {
    assert_eq!(inflate(ARABIC.as_bytes(), 10).unwrap(), None);
}

#[test]
fn gzip_bomb_stops_at_the_cap() {
    let bomb = gzip(&vec![b'a'; 16 << 20]);
    assert!(bomb.len() < 1 << 20);
    match inflate(&bomb, 1 << 20) {
        Err(Rejection::TooLarge { size, limit }) => {
            assert_eq!(limit, 1 << 20);
            assert!(size > limit && size <= limit + 64 * 1024);
        }
        other => panic!("expected too_large, got {other:?}"),
    }
}

#[test]
fn corrupt_gzip_is_undecodable() {
    let mut bytes = gzip(ARABIC.as_bytes());
    let mid = bytes.len() / 2;
    bytes[mid..].iter_mut().for_each(|b| *b ^= 0x5a);
    assert_eq!(inflate(&bytes, 1 << 20).unwrap_err().code(), "undecodable");
    assert_eq!(
        inflate(&[0x1f, 0x8b, 8], 1 << 20).unwrap_err().code(),
        "undecodable"
    );
}

#[test]
fn images_documents_and_archives_are_binary() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(&[7; 100]);
    for bytes in [
        png,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(),
        b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(),
        b"\xff\xd8\xff\xe0\0\x10JFIF".to_vec(),
        b"GIF89a\x01\0\x01\0".to_vec(),
    ] {
        assert_eq!(decode(&bytes, None).unwrap_err().code(), "binary");
    }
}

#[test]
fn random_bytes_are_binary() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    assert_eq!(decode(&bytes, None).unwrap_err().code(), "binary");
}

#[test]
fn empty_and_blank_input_is_empty() {
    assert_eq!(decode(b"", None).unwrap_err().code(), "empty");
    assert_eq!(decode(b" \n\t\r\n", None).unwrap_err().code(), "empty");
    assert_eq!(
        decode(b"\xef\xbb\xbf \n", None).unwrap_err().code(),
        "empty"
    );
}

#[test]
fn html_is_sniffed_from_tags_and_content_type() {
    assert!(looks_like_html("<!DOCTYPE html><p>x</p>", None));
    assert!(looks_like_html("\n  <html lang=\"ar\">", None));
    assert!(looks_like_html(
        "<div class=a><p>نص</p><p>نص</p></div>",
        None
    ));
    assert!(looks_like_html(
        "<p>نص</p>",
        Some("text/html; charset=utf-8")
    ));
}

#[test]
fn plain_text_with_a_stray_angle_bracket_is_not_html() {
    assert!(!looks_like_html("العدد < 5 والعدد > 3\nسطر آخر", None));
    assert!(!looks_like_html("قال إن 3 < 4 <مهم>", None));
    assert!(!looks_like_html("<p>نص</p><p>x</p>", Some("text/plain")));
    assert!(!looks_like_html("نص بلا وسوم", Some("text/html")));
}

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4000)) {
        let _ = decode(&bytes, None);
        let _ = decode(&bytes, Some("text/html; charset=windows-1256"));
        let _ = inflate(&bytes, 1 << 16);
        let mut gz = vec![0x1f, 0x8b];
        gz.extend_from_slice(&bytes);
        let _ = inflate(&gz, 1 << 16);
    }

    #[test]
    fn real_arabic_words_are_never_changed(text in "[\u{0621}-\u{064A}\u{064B}-\u{0652}]{1,12}([،؟؛]? [\u{0621}-\u{064A}\u{064B}-\u{0652}]{1,12}){0,40}") {
        proptest::prop_assert_eq!(repair_mojibake(&text), text.as_str());
    }

    #[test]
    fn mojibake_of_arabic_text_is_always_repaired(text in "[\u{0621}-\u{063A}\u{0641}-\u{064A}]{2,10}( [\u{0621}-\u{063A}\u{0641}-\u{064A}]{2,10}){1,30}") {
        let (mojibake, _, _) = WINDOWS_1256.decode(text.as_bytes());
        proptest::prop_assert_eq!(repair_mojibake(&mojibake), text.as_str());
    }
}

#[test]
fn clean_allows_one_replacement_per_hundred_non_ascii_chars() {
    let text = |good: usize| format!("{}\u{fffd} abc", "ب".repeat(good));
    assert!(super::charset::is_clean(&text(100)));
    assert!(!super::charset::is_clean(&text(99)));
    assert!(super::charset::is_clean(
        "ﻻ plain presentation form, no replacement"
    ));
}
