//! One POST to a webhook, bounded in time and in what it reads back. The
//! reasons it gives never hold the URL: webhook URLs carry their secret in
//! the path, and a reason is shown in the header, logged and synced.

use std::time::Duration;

/// Why a post did not reach the channel, in a few words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure(pub String);

/// Posts `body` as JSON to `url`, giving up after `timeout` all told
/// (connecting, sending and the answer's head). A redirect is not followed:
/// the update would go where the endpoint says, and a loop would spend the
/// whole timeout. The answer's body is never read, however large.
/// Returns the status of a 2xx answer.
pub fn post_json(url: &str, body: &[u8], timeout: Duration) -> Result<u16, Failure> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("fireground/", env!("CARGO_PKG_VERSION")))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let answer = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| Failure(reason(&e, timeout)))?;
    let status = answer.status().as_u16();
    match status {
        200..=299 => Ok(status),
        300..=399 => Err(Failure(format!(
            "HTTP {status}: the endpoint redirects; configure the URL it redirects to"
        ))),
        _ => Err(Failure(format!("HTTP {status}"))),
    }
}

/// What went wrong, without any part of the URL.
fn reason(e: &ureq::Error, timeout: Duration) -> String {
    use std::io::ErrorKind;
    use ureq::Error;
    match e {
        Error::Timeout(_) => format!("no answer within {} s", timeout.as_secs().max(1)),
        Error::HostNotFound => "host not found".into(),
        Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".into(),
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => {
                "connection reset by the endpoint".into()
            }
            ErrorKind::UnexpectedEof => "the endpoint closed the connection".into(),
            ErrorKind::TimedOut | ErrorKind::WouldBlock => {
                format!("no answer within {} s", timeout.as_secs().max(1))
            }
            ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
                "network unreachable".into()
            }
            _ => format!("network error ({:?})", io.kind()),
        },
        Error::ConnectionFailed => "could not connect".into(),
        Error::Rustls(tls) => format!("TLS failed: {tls}"),
        Error::Tls(_) | Error::TlsRequired => "TLS failed".into(),
        Error::BadUri(_) | Error::Http(_) => "the URL is not a valid http(s) URL".into(),
        Error::Protocol(_) | Error::LargeResponseHeader(..) => {
            "the endpoint's answer is not HTTP".into()
        }
        Error::ConnectProxyFailed(_) | Error::InvalidProxyUrl => "the proxy failed".into(),
        _ => "the request failed".into(),
    }
}
