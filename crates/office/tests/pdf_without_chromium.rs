//! Without Chromium the PDF renderers say so in Russian, before starting anything. A test binary
//! of its own: it changes `BAGALAU_CHROMIUM` for the whole process.

use bagalau_office::{html_to_pdf, OfficeError, PdfSession};

#[test]
fn issue11_missing_chromium_is_a_russian_error() {
    std::env::set_var("BAGALAU_CHROMIUM", "/nonexistent/bagalau-no-chromium");
    let err = PdfSession::start().err().expect("no browser");
    assert!(matches!(err, OfficeError::ChromiumNotFound), "{err}");
    assert!(err.to_string().starts_with("Chromium не найден"), "{err}");
    let err = html_to_pdf("<p>x</p>").expect_err("no browser");
    assert!(matches!(err, OfficeError::ChromiumNotFound), "{err}");
}
