//! Signing in through a browser: the OAuth2 authorization code grant with PKCE
//! (RFC 7636), as flytectl's and flytekit's `Pkce` do. The browser opens the
//! authorization page; the authorization server sends it back to the redirect URI
//! flyteadmin's public client config names (`http://localhost:53593/callback`),
//! where this program listens for the code and trades it, with its verifier, for a
//! token.

use std::time::Duration;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::RemoteError;
use super::oauth::{Ask, Issued};

/// How long the user has to sign in in the browser.
const SIGN_IN_TIME: Duration = Duration::from_secs(300);

fn auth_error(message: String) -> RemoteError {
    RemoteError::Auth(message)
}

/// `n` random bytes, base64url without padding.
fn random_text(n: usize) -> Result<String, RemoteError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| auth_error(format!("no randomness for the sign-in: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The code challenge of a verifier (`S256`).
fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A token through the browser: the authorization page opened (and printed, in case
/// no browser opens), the redirect awaited on `redirect_uri`, the code traded in.
pub(super) async fn sign_in(
    http: &reqwest::Client,
    authorization_endpoint: &str,
    token_endpoint: &str,
    redirect_uri: &str,
    ask: &Ask<'_>,
) -> Result<Issued, RemoteError> {
    let redirect = url::Url::parse(redirect_uri)
        .map_err(|e| auth_error(format!("flyteadmin's redirect URI `{redirect_uri}`: {e}")))?;
    // `localhost` as IPv4's loopback, as flytekit listens: browsers fall back to it.
    let host = match redirect.host_str() {
        None | Some("localhost") => "127.0.0.1",
        Some(host) => host,
    };
    let port = redirect.port_or_known_default().unwrap_or(80);
    // Listen before the browser can come back.
    let listener = tokio::net::TcpListener::bind((host, port))
        .await
        .map_err(|e| {
            auth_error(format!(
                "cannot listen on `{redirect_uri}` for the sign-in: {e}"
            ))
        })?;
    let verifier = random_text(48)?;
    let state = random_text(16)?;
    let mut page = url::Url::parse(authorization_endpoint).map_err(|e| {
        auth_error(format!(
            "the authorization endpoint `{authorization_endpoint}`: {e}"
        ))
    })?;
    page.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", ask.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("scope", &ask.scopes.join(" "))
        .append_pair("code_challenge", &challenge(&verifier))
        .append_pair("code_challenge_method", "S256")
        .append_pair("state", &state);
    eprintln!("Signing in to flyteadmin in your browser; if none opens, open {page}");
    open_browser(page.as_str());
    let code = tokio::time::timeout(SIGN_IN_TIME, redirected(&listener, redirect.path(), &state))
        .await
        .map_err(|_| {
            auth_error(format!(
                "no sign-in came back to `{redirect_uri}` within {} s",
                SIGN_IN_TIME.as_secs()
            ))
        })??;
    super::oauth::authorization_code(http, token_endpoint, &code, redirect_uri, &verifier, ask)
        .await
}

/// The code the browser brings back to `path`, its `state` checked. Other requests
/// (a favicon) get a 404.
async fn redirected(
    listener: &tokio::net::TcpListener,
    path: &str,
    state: &str,
) -> Result<String, RemoteError> {
    loop {
        let (mut stream, _) = listener
            .accept()
            .await
            .map_err(|e| auth_error(format!("the sign-in redirect: {e}")))?;
        let target = read_request_target(&mut stream).await.unwrap_or_default();
        let (got_path, query) = target.split_once('?').unwrap_or((&target, ""));
        if got_path != path {
            let _ = stream
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
            continue;
        }
        let field = |name: &str| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let (answer, result) = match (field("code"), field("state"), field("error")) {
            (Some(code), Some(s), None) if s == state => {
                ("Signed in to flyteadmin: you can close this tab.", Ok(code))
            }
            (_, _, Some(error)) => (
                "Signing in to flyteadmin failed: see the terminal.",
                Err(auth_error(format!(
                    "the authorization server refused the sign-in: {error}{}",
                    field("error_description")
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ))),
            ),
            _ => (
                "Signing in to flyteadmin failed: see the terminal.",
                Err(auth_error(
                    "the sign-in came back without a code or with another state".to_string(),
                )),
            ),
        };
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        return result;
    }
}

/// The target of an HTTP request (`/callback?code=...`): its first line's second
/// word, read up to the end of the headers.
async fn read_request_target(stream: &mut tokio::net::TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 2048];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && buffer.len() < 64 * 1024 {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buffer);
    let line = text.lines().next().unwrap_or_default();
    Ok(line
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string())
}

/// Opens `url` in `$BROWSER` (as Python's `webbrowser` reads it: commands separated
/// by `:`, `%s` for the URL), else the desktop's opener; failing that, the printed
/// link remains.
fn open_browser(url: &str) {
    let commands: Vec<String> = match std::env::var("BROWSER") {
        Ok(list) if !list.trim().is_empty() => list.split(':').map(str::to_string).collect(),
        _ if cfg!(target_os = "macos") => vec!["open".to_string()],
        _ if cfg!(windows) => vec!["explorer".to_string()],
        _ => vec!["xdg-open".to_string()],
    };
    for command in commands {
        let mut words: Vec<String> = command.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            continue;
        }
        if words.iter().any(|w| w.contains("%s")) {
            words.iter_mut().for_each(|w| *w = w.replace("%s", url));
        } else {
            words.push(url.to_string());
        }
        let started = std::process::Command::new(&words[0])
            .args(&words[1..])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if let Ok(mut child) = started {
            // Reaped in the background: the browser may stay open.
            std::thread::spawn(move || child.wait());
            return;
        }
    }
}
