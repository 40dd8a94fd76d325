//! Signing in to flyteadmin: a bearer token from the OAuth2 token endpoint that
//! flyteadmin's `AuthMetadataService` names (client credentials), or from an external
//! command; sent as the metadata key flyteadmin's public client config names, and
//! fetched again when flyteadmin says it is no longer good.

use tokio::sync::Mutex;

use super::{Auth, RemoteError};

/// `flyteidl.service.OAuth2MetadataRequest` and `PublicClientAuthConfigRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct EmptyRequest {}

/// `flyteidl.service.OAuth2MetadataResponse` (the fields used).
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct OAuth2Metadata {
    /// Where tokens are issued.
    #[prost(string, tag = "3")]
    pub(super) token_endpoint: String,
}

/// `flyteidl.service.PublicClientAuthConfigResponse` (the fields used).
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PublicClientConfig {
    /// Scopes to ask for.
    #[prost(string, repeated, tag = "3")]
    pub(super) scopes: Vec<String>,
    /// The gRPC metadata key the token goes in.
    #[prost(string, tag = "4")]
    pub(super) authorization_metadata_key: String,
}

/// The token in use and where it goes.
#[derive(Debug, Default)]
pub(super) struct Token {
    pub(super) header: String,
    pub(super) value: String,
    /// When to fetch a new one: a minute before the token endpoint's `expires_in`
    /// runs out (never, for a command's token or without `expires_in`).
    pub(super) renew_at: Option<tokio::time::Instant>,
}

/// A client's sign-in state.
#[derive(Debug, Default)]
pub(super) struct Credentials {
    pub(super) token: Mutex<Option<Token>>,
}

/// The token endpoint's answer.
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    /// Seconds the token is good for.
    #[serde(default)]
    expires_in: Option<u64>,
}

/// A token is renewed this long before it expires.
const RENEW_BEFORE: std::time::Duration = std::time::Duration::from_secs(60);

impl super::Remote {
    /// The metadata to send with a call: none without sign-in, else the token,
    /// fetched first when there is none.
    pub(super) async fn authorization(&self) -> Result<Option<(String, String)>, RemoteError> {
        if self.config.auth == Auth::None {
            return Ok(None);
        }
        let mut token = self.credentials.token.lock().await;
        let stale = token
            .as_ref()
            .and_then(|t| t.renew_at)
            .is_some_and(|at| tokio::time::Instant::now() >= at);
        if token.is_none() || stale {
            *token = Some(self.fetch_token().await?);
        }
        Ok(token
            .as_ref()
            .map(|t| (t.header.clone(), format!("Bearer {}", t.value))))
    }

    /// Forgets the token (flyteadmin said UNAUTHENTICATED), so the next call gets
    /// a new one.
    pub(super) async fn forget_token(&self) {
        *self.credentials.token.lock().await = None;
    }

    async fn fetch_token(&self) -> Result<Token, RemoteError> {
        let client: PublicClientConfig = self
            .call_unauthenticated(
                "/flyteidl.service.AuthMetadataService/GetPublicClientConfig",
                EmptyRequest {},
            )
            .await
            .map_err(|status| {
                RemoteError::Auth(format!(
                    "flyteadmin's public client config: {} ({:?})",
                    status.message(),
                    status.code()
                ))
            })?;
        let header = match client.authorization_metadata_key.as_str() {
            "" => "authorization".to_string(),
            key => key.to_ascii_lowercase(),
        };
        let (value, lifetime) = match &self.config.auth {
            Auth::None => (String::new(), None),
            Auth::ExternalCommand(command) => (external_token(command).await?, None),
            Auth::ClientSecret {
                client_id,
                secret,
                scopes,
            } => {
                let metadata: OAuth2Metadata = self
                    .call_unauthenticated(
                        "/flyteidl.service.AuthMetadataService/GetOAuth2Metadata",
                        EmptyRequest {},
                    )
                    .await
                    .map_err(|status| {
                        RemoteError::Auth(format!(
                            "flyteadmin's OAuth2 metadata: {} ({:?})",
                            status.message(),
                            status.code()
                        ))
                    })?;
                let scopes = if scopes.is_empty() {
                    &client.scopes
                } else {
                    scopes
                };
                client_credentials(
                    &self.http,
                    &metadata.token_endpoint,
                    client_id,
                    secret,
                    scopes,
                )
                .await?
            }
        };
        let renew_at = lifetime.map(|secs: u64| {
            let good_for = std::time::Duration::from_secs(secs).saturating_sub(RENEW_BEFORE);
            tokio::time::Instant::now() + good_for
        });
        Ok(Token {
            header,
            value,
            renew_at,
        })
    }
}

/// A token for `client_id` from `endpoint` (OAuth2 client credentials, the secret in
/// HTTP basic auth as RFC 6749 says), and how many seconds it is good for.
async fn client_credentials(
    http: &reqwest::Client,
    endpoint: &str,
    client_id: &str,
    secret: &str,
    scopes: &[String],
) -> Result<(String, Option<u64>), RemoteError> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "client_credentials");
    if !scopes.is_empty() {
        form.append_pair("scope", &scopes.join(" "));
    }
    let response = http
        .post(endpoint)
        .basic_auth(client_id, Some(secret))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.finish())
        .send()
        .await
        .map_err(|e| {
            RemoteError::Auth(format!("cannot reach the token endpoint `{endpoint}`: {e}"))
        })?;
    let status = response.status();
    let body = response.text().await.map_err(|e| {
        RemoteError::Auth(format!(
            "the token endpoint `{endpoint}` answered {status}, but its body cannot be read: {e}"
        ))
    })?;
    if !status.is_success() {
        return Err(RemoteError::Auth(format!(
            "the token endpoint `{endpoint}` refused client `{client_id}` ({status}): {}",
            crate::types::preview(body.trim())
        )));
    }
    serde_json::from_str::<TokenResponse>(&body)
        .map(|t| (t.access_token, t.expires_in))
        .map_err(|e| {
            RemoteError::Auth(format!(
                "the token endpoint `{endpoint}` answered without a token: {e}"
            ))
        })
}

/// The token a command prints (its trimmed stdout).
async fn external_token(command: &[String]) -> Result<String, RemoteError> {
    let (program, args) = command
        .split_first()
        .ok_or_else(|| RemoteError::Auth("an empty token command".into()))?;
    let out = tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
        .map_err(|e| RemoteError::Auth(format!("cannot run the token command `{program}`: {e}")))?;
    if !out.status.success() {
        return Err(RemoteError::Auth(format!(
            "the token command `{program}` failed ({}): {}",
            out.status,
            crate::types::preview(String::from_utf8_lossy(&out.stderr).trim())
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
