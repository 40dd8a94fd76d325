//! The OAuth2 exchanges with the authorization server flyteadmin names: client
//! credentials (RFC 6749 §4.4), the device authorization grant (RFC 8628), an
//! authorization code with its PKCE verifier (RFC 7636), and refreshing a token
//! (§6), each an HTTP form `POST`.

use std::time::Duration;

use super::RemoteError;

/// A token the server issued.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Issued {
    pub(super) access_token: String,
    /// Seconds the token is good for.
    #[serde(default)]
    pub(super) expires_in: Option<u64>,
    /// For a new token without signing in again.
    #[serde(default)]
    pub(super) refresh_token: Option<String>,
}

/// An OAuth2 error answer (`{"error": "...", "error_description": "..."}`).
#[derive(Debug, Default, serde::Deserialize)]
struct Refusal {
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// What the device authorization endpoint hands out.
#[derive(Debug, serde::Deserialize)]
pub(super) struct DeviceCode {
    device_code: String,
    pub(super) user_code: String,
    pub(super) verification_uri: String,
    /// The page with the code already filled in, when the server gives one.
    #[serde(default)]
    pub(super) verification_uri_complete: Option<String>,
    /// Seconds the code is good for.
    #[serde(default = "default_expires_in")]
    expires_in: u64,
    /// Seconds between polls.
    #[serde(default = "default_interval")]
    interval: u64,
}

fn default_expires_in() -> u64 {
    600
}

/// RFC 8628's default.
fn default_interval() -> u64 {
    5
}

impl DeviceCode {
    /// Where the user goes: the complete page, else the page with the code in its
    /// query, as flytekit prints it.
    pub(super) fn page(&self) -> String {
        match &self.verification_uri_complete {
            Some(page) if !page.is_empty() => page.clone(),
            _ => format!("{}?user_code={}", self.verification_uri, self.user_code),
        }
    }
}

/// The scope and audience fields every request carries when set.
pub(super) struct Ask<'a> {
    pub(super) client_id: &'a str,
    pub(super) scopes: &'a [String],
    pub(super) audience: Option<&'a str>,
}

impl Ask<'_> {
    fn form(&self, grant: &[(&str, &str)]) -> String {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.extend_pairs(grant.iter().copied());
        if !self.client_id.is_empty() {
            form.append_pair("client_id", self.client_id);
        }
        if !self.scopes.is_empty() {
            form.append_pair("scope", &self.scopes.join(" "));
        }
        if let Some(audience) = self.audience.filter(|a| !a.is_empty()) {
            form.append_pair("audience", audience);
        }
        form.finish()
    }
}

/// A form `POST`: the status and the body.
async fn post(
    http: &reqwest::Client,
    endpoint: &str,
    form: String,
    basic: Option<(&str, &str)>,
) -> Result<(reqwest::StatusCode, String), RemoteError> {
    let mut request = http
        .post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(form);
    if let Some((user, secret)) = basic {
        request = request.basic_auth(user, Some(secret));
    }
    let response = request
        .send()
        .await
        .map_err(|e| RemoteError::Auth(format!("cannot reach `{endpoint}`: {e}")))?;
    let status = response.status();
    let body = response.text().await.map_err(|e| {
        RemoteError::Auth(format!(
            "`{endpoint}` answered {status}, but its body cannot be read: {e}"
        ))
    })?;
    Ok((status, body))
}

fn parse<T: serde::de::DeserializeOwned>(endpoint: &str, body: &str) -> Result<T, RemoteError> {
    serde_json::from_str(body).map_err(|e| {
        RemoteError::Auth(format!(
            "`{endpoint}` answered something else than expected ({e}): {}",
            crate::types::preview(body.trim())
        ))
    })
}

/// A token from `token_endpoint` for `form`; when refused, an error saying the
/// endpoint `refused` so, with its answer.
async fn token(
    http: &reqwest::Client,
    token_endpoint: &str,
    form: String,
    basic: Option<(&str, &str)>,
    refused: &str,
) -> Result<Issued, RemoteError> {
    let (status, body) = post(http, token_endpoint, form, basic).await?;
    if !status.is_success() {
        return Err(RemoteError::Auth(format!(
            "the token endpoint `{token_endpoint}` {refused} ({status}): {}",
            crate::types::preview(body.trim())
        )));
    }
    parse(token_endpoint, &body)
}

/// A token for `client_id` (client credentials; the secret in HTTP basic auth, as
/// RFC 6749 says).
pub(super) async fn client_credentials(
    http: &reqwest::Client,
    token_endpoint: &str,
    secret: &str,
    ask: &Ask<'_>,
) -> Result<Issued, RemoteError> {
    // The client is named by basic auth, not in the form.
    let form = Ask {
        client_id: "",
        ..*ask
    }
    .form(&[("grant_type", "client_credentials")]);
    let refused = format!("refused client `{}`", ask.client_id);
    let basic = Some((ask.client_id, secret));
    token(http, token_endpoint, form, basic, &refused).await
}

/// A new token for a refresh token.
pub(super) async fn refresh(
    http: &reqwest::Client,
    token_endpoint: &str,
    refresh_token: &str,
    ask: &Ask<'_>,
) -> Result<Issued, RemoteError> {
    let form = ask.form(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ]);
    token(
        http,
        token_endpoint,
        form,
        None,
        "would not refresh the token",
    )
    .await
}

/// A token for the code the authorization server sent the browser back with
/// (PKCE: the verifier proves this program asked for it).
pub(super) async fn authorization_code(
    http: &reqwest::Client,
    token_endpoint: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
    ask: &Ask<'_>,
) -> Result<Issued, RemoteError> {
    let form = Ask {
        scopes: &[],
        audience: None,
        ..*ask
    }
    .form(&[
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier),
    ]);
    let refused = "would not trade the sign-in's code";
    token(http, token_endpoint, form, None, refused).await
}

/// A device code to show the user.
pub(super) async fn device_code(
    http: &reqwest::Client,
    device_endpoint: &str,
    ask: &Ask<'_>,
) -> Result<DeviceCode, RemoteError> {
    let (status, body) = post(http, device_endpoint, ask.form(&[]), None).await?;
    if !status.is_success() {
        return Err(RemoteError::Auth(format!(
            "the device authorization endpoint `{device_endpoint}` refused client `{}` ({status}): {}",
            ask.client_id,
            crate::types::preview(body.trim())
        )));
    }
    parse(device_endpoint, &body)
}

/// Polls the token endpoint until the user approved the device (or refused, or the
/// code ran out), as RFC 8628 §3.4 says: `authorization_pending` waits the interval,
/// `slow_down` adds five seconds to it.
pub(super) async fn device_token(
    http: &reqwest::Client,
    token_endpoint: &str,
    code: &DeviceCode,
    ask: &Ask<'_>,
) -> Result<Issued, RemoteError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(code.expires_in);
    let mut interval = Duration::from_secs(code.interval);
    let form = ask.form(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", &code.device_code),
    ]);
    loop {
        let (status, body) = post(http, token_endpoint, form.clone(), None).await?;
        if status.is_success() {
            return parse(token_endpoint, &body);
        }
        let refusal: Refusal = serde_json::from_str(&body).unwrap_or_default();
        match refusal.error.as_str() {
            "authorization_pending" => {}
            "slow_down" => interval += Duration::from_secs(5),
            _ => {
                let why = refusal
                    .error_description
                    .unwrap_or_else(|| crate::types::preview(body.trim()).to_string());
                return Err(RemoteError::Auth(format!(
                    "signing in with code {} failed ({status} {}): {why}",
                    code.user_code, refusal.error
                )));
            }
        }
        if tokio::time::Instant::now() + interval > deadline {
            return Err(RemoteError::Auth(format!(
                "code {} was not approved within {} s",
                code.user_code, code.expires_in
            )));
        }
        tokio::time::sleep(interval).await;
    }
}
