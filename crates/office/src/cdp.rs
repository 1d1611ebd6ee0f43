//! A minimal client of the Chrome DevTools protocol over `--remote-debugging-pipe`.
//!
//! Chromium started with `--remote-debugging-pipe` reads commands from its file descriptor 3 and
//! writes responses and events to its descriptor 4, each message one JSON text ended by a NUL
//! byte. No socket, no port, no websocket library: two pipes, `serde_json`, and a reader thread
//! that parses the browser's messages and hands them over a channel (so that every wait has a
//! deadline). Pages are driven in "flat" sessions (`Target.attachToTarget` with `flatten`), whose
//! messages carry a `sessionId`.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::error::OfficeError;

/// One message from the browser: a response (`id`) or an event (`method`).
pub(crate) type Message = Value;

/// The two ends of the protocol pipes this process keeps, and the reader of the browser's end.
pub(crate) struct Connection {
    to_browser: File,
    from_browser: Receiver<Message>,
    reader: Option<JoinHandle<()>>,
    /// Messages received while waiting for another one.
    backlog: VecDeque<Message>,
    next_id: u64,
}

impl Connection {
    /// Wraps our ends of the pipes: `to_browser` is written into the browser's descriptor 3,
    /// `from_browser` reads its descriptor 4.
    pub(crate) fn new(to_browser: File, from_browser: File) -> Result<Self, OfficeError> {
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::Builder::new()
            .name("bagalau-cdp-reader".into())
            .spawn(move || {
                let mut input = BufReader::new(from_browser);
                let mut buf = Vec::new();
                loop {
                    buf.clear();
                    match input.read_until(0, &mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                    if buf.last() == Some(&0) {
                        buf.pop();
                    }
                    // A message that is not JSON is dropped (the protocol never sends one).
                    if let Ok(message) = serde_json::from_slice::<Value>(&buf) {
                        if tx.send(message).is_err() {
                            return;
                        }
                    }
                }
            })
            .map_err(|source| OfficeError::Spawn {
                program: "поток чтения DevTools".into(),
                source,
            })?;
        Ok(Connection {
            to_browser,
            from_browser: rx,
            reader: Some(reader),
            backlog: VecDeque::new(),
            next_id: 1,
        })
    }

    /// Sends a command (to the browser, or to a page's session) and returns its id.
    pub(crate) fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<u64, OfficeError> {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(s) = session {
            message["sessionId"] = Value::from(s);
        }
        let mut bytes = serde_json::to_vec(&message)
            .map_err(|e| OfficeError::Browser(format!("команда {method}: {e}")))?;
        bytes.push(0);
        self.to_browser
            .write_all(&bytes)
            .and_then(|()| self.to_browser.flush())
            .map_err(|e| OfficeError::Browser(format!("команда {method} не отправлена: {e}")))?;
        Ok(id)
    }

    /// Waits until `deadline` for the first message `wanted` accepts (looking at messages kept
    /// from earlier waits first) and removes it.
    pub(crate) fn wait(
        &mut self,
        deadline: Instant,
        what: &str,
        wanted: impl Fn(&Message) -> bool,
    ) -> Result<Message, OfficeError> {
        if let Some(k) = self.backlog.iter().position(&wanted) {
            if let Some(m) = self.backlog.remove(k) {
                return Ok(m);
            }
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.from_browser.recv_timeout(left) {
                Ok(m) if wanted(&m) => return Ok(m),
                Ok(m) => self.backlog.push_back(m),
                Err(RecvTimeoutError::Timeout) => {
                    return Err(OfficeError::Browser(format!("нет ответа: {what}")))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(OfficeError::Browser(format!(
                        "браузер закрыл соединение (ожидалось: {what})"
                    )))
                }
            }
        }
    }

    /// Waits for the response to command `id`: its `result`, or its `error` as an error.
    pub(crate) fn response(
        &mut self,
        id: u64,
        deadline: Instant,
        what: &str,
    ) -> Result<Value, OfficeError> {
        let mut m = self.wait(deadline, what, |m| m["id"].as_u64() == Some(id))?;
        if let Some(error) = m.get("error") {
            let text = error["message"].as_str().unwrap_or("неизвестная ошибка");
            return Err(OfficeError::Browser(format!("{what}: {text}")));
        }
        Ok(m["result"].take())
    }

    /// Sends a command and waits for its result.
    pub(crate) fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, OfficeError> {
        let id = self.send(session, method, params)?;
        self.response(id, Instant::now() + timeout, method)
    }

    /// Moves the messages already received into the backlog and drops the events of `session`
    /// (before a navigation, so that an old load event is not taken for the new one).
    pub(crate) fn forget_events(&mut self, session: &str) {
        while let Ok(m) = self.from_browser.try_recv() {
            self.backlog.push_back(m);
        }
        self.backlog
            .retain(|m| !(m.get("method").is_some() && m["sessionId"].as_str() == Some(session)));
    }

    /// Closes our end of the commands' pipe (the browser then exits) and joins the reader once
    /// the browser's end is closed too (the caller makes sure the browser is gone).
    pub(crate) fn close(mut self) {
        drop(self.to_browser);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

/// Decodes standard base64 (with or without padding; whitespace ignored), as the protocol sends
/// binary data. `None` on a character outside the alphabet.
pub(crate) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in text.as_bytes() {
        if c == b'=' || c.is_ascii_whitespace() {
            continue;
        }
        acc = (acc << 6) | value(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_with_and_without_padding() {
        assert_eq!(base64_decode("JVBERi0=").as_deref(), Some(&b"%PDF-"[..]));
        assert_eq!(base64_decode("JVBERi0").as_deref(), Some(&b"%PDF-"[..]));
        assert_eq!(base64_decode("TWFu").as_deref(), Some(&b"Man"[..]));
        assert_eq!(base64_decode("TWE=").as_deref(), Some(&b"Ma"[..]));
        assert_eq!(base64_decode("TQ==").as_deref(), Some(&b"M"[..]));
        assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
        assert_eq!(
            base64_decode("0L/RgNC40LLQtdGC\n").as_deref(),
            Some("привет".as_bytes())
        );
        assert_eq!(base64_decode("TW!u"), None);
    }
}
