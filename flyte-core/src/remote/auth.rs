//! Signing in to flyteadmin: a bearer token from the OAuth2 server that flyteadmin's
//! `AuthMetadataService` names (client credentials, or the device flow with the user
//! approving in a browser), or from an external command; sent as the metadata key
//! flyteadmin's public client config names, renewed before it expires (with its
//! refresh token when there is one), and fetched again when flyteadmin says it is no
//! longer good.

use tokio::sync::{Mutex, OnceCell};

use super::oauth::{self, Ask, Issued};
use super::{Auth, RemoteError};

/// `flyteidl.service.OAuth2MetadataRequest` and `PublicClientAuthConfigRequest`.
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct EmptyRequest {}

/// `flyteidl.service.OAuth2MetadataResponse` (the fields used).
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct OAuth2Metadata {
    /// Where the browser signs in (PKCE).
    #[prost(string, tag = "2")]
    pub(super) authorization_endpoint: String,
    /// Where tokens are issued.
    #[prost(string, tag = "3")]
    pub(super) token_endpoint: String,
    /// Where a device code is asked for (RFC 8628).
    #[prost(string, tag = "10")]
    pub(super) device_authorization_endpoint: String,
}

/// `flyteidl.service.PublicClientAuthConfigResponse` (the fields used).
#[derive(Clone, PartialEq, prost::Message)]
pub(super) struct PublicClientConfig {
    /// The public client a user signs in through (flytectl's, usually).
    #[prost(string, tag = "1")]
    pub(super) client_id: String,
    /// Where the browser comes back to after signing in (PKCE).
    #[prost(string, tag = "2")]
    pub(super) redirect_uri: String,
    /// Scopes to ask for.
    #[prost(string, repeated, tag = "3")]
    pub(super) scopes: Vec<String>,
    /// The gRPC metadata key the token goes in.
    #[prost(string, tag = "4")]
    pub(super) authorization_metadata_key: String,
    /// The audience to ask for.
    #[prost(string, tag = "6")]
    pub(super) audience: String,
}

/// The token in use and where it goes.
#[derive(Debug, Default)]
pub(super) struct Token {
    pub(super) header: String,
    pub(super) value: String,
    /// When to fetch a new one: a minute before the token endpoint's `expires_in`
    /// runs out (never, for a command's token or without `expires_in`).
    pub(super) renew_at: Option<tokio::time::Instant>,
    /// For a new token without asking the user again.
    pub(super) refresh: Option<String>,
}

/// A client's sign-in state.
#[derive(Debug, Default)]
pub(super) struct Credentials {
    pub(super) token: Mutex<Option<Token>>,
    /// flyteadmin's public client config and OAuth2 metadata, asked for once: they
    /// do not change while a client lives, and every token renewal needs them.
    client: OnceCell<PublicClientConfig>,
    oauth2: OnceCell<OAuth2Metadata>,
}

/// A token is renewed this long before it expires.
const RENEW_BEFORE: std::time::Duration = std::time::Duration::from_secs(60);

impl super::Remote {
    /// The metadata to send with a call: none without sign-in, else the token,
    /// fetched first when there is none or it is about to expire.
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
            let mut refresh = token.take().and_then(|t| t.refresh);
            let user = self.config.auth.signs_in_a_user();
            if user && refresh.is_none() && !stale {
                // A token kept from an earlier run, or its refresh token.
                let kept = super::keyring::load(&self.config.endpoint);
                if let Some(value) = kept.access {
                    *token = Some(Token {
                        header: self.token_header().await?,
                        value,
                        renew_at: None,
                        refresh: kept.refresh,
                    });
                    return Ok(token
                        .as_ref()
                        .map(|t| (t.header.clone(), format!("Bearer {}", t.value))));
                }
                refresh = kept.refresh;
            }
            let kept_refresh = refresh.clone();
            let mut fresh = self.fetch_token(refresh).await?;
            // A refresh answer may carry no new refresh token: the old one still works.
            if fresh.refresh.is_none() {
                fresh.refresh = kept_refresh;
            }
            if user {
                super::keyring::save(
                    &self.config.endpoint,
                    &fresh.value,
                    fresh.refresh.as_deref(),
                );
            }
            *token = Some(fresh);
        }
        Ok(token
            .as_ref()
            .map(|t| (t.header.clone(), format!("Bearer {}", t.value))))
    }

    /// Forgets the token (flyteadmin said UNAUTHENTICATED), so the next call gets
    /// a new one.
    pub(super) async fn forget_token(&self) {
        let mut token = self.credentials.token.lock().await;
        if self.config.auth.signs_in_a_user() {
            // The refused token is not kept; its refresh token gets a new one.
            super::keyring::forget_access(&self.config.endpoint);
            let refresh = token.take().and_then(|t| t.refresh);
            if let Some(refresh) = refresh {
                super::keyring::save_refresh(&self.config.endpoint, &refresh);
            }
        }
        *token = None;
    }

    /// The metadata key the token goes in, as flyteadmin's public client config names
    /// it.
    async fn token_header(&self) -> Result<String, RemoteError> {
        let client = self.public_client().await?;
        Ok(match client.authorization_metadata_key.as_str() {
            "" => "authorization".to_string(),
            key => key.to_ascii_lowercase(),
        })
    }

    /// One of `AuthMetadataService`'s answers.
    async fn auth_metadata<T: prost::Message + Default + Send + Sync + 'static>(
        &self,
        method: &str,
        what: &str,
    ) -> Result<T, RemoteError> {
        let path = format!("/flyteidl.service.AuthMetadataService/{method}");
        self.call_unauthenticated(&path, EmptyRequest {})
            .await
            .map_err(|status| {
                RemoteError::Auth(format!(
                    "flyteadmin's {what}: {} ({:?})",
                    status.message(),
                    status.code()
                ))
            })
    }

    async fn public_client(&self) -> Result<&PublicClientConfig, RemoteError> {
        let ask = || self.auth_metadata("GetPublicClientConfig", "public client config");
        self.credentials.client.get_or_try_init(ask).await
    }

    async fn oauth2_metadata(&self) -> Result<&OAuth2Metadata, RemoteError> {
        let ask = || self.auth_metadata("GetOAuth2Metadata", "OAuth2 metadata");
        self.credentials.oauth2.get_or_try_init(ask).await
    }

    async fn fetch_token(&self, refresh: Option<String>) -> Result<Token, RemoteError> {
        let client = self.public_client().await?;
        let header = self.token_header().await?;
        let issued = match &self.config.auth {
            Auth::None => unreachable!("flyte bug: no token is fetched without sign-in"),
            Auth::ExternalCommand(command) => Issued {
                access_token: external_token(command).await?,
                expires_in: None,
                refresh_token: None,
            },
            Auth::ClientSecret {
                client_id,
                secret,
                scopes,
            } => {
                let metadata = self.oauth2_metadata().await?;
                let ask = Ask {
                    client_id,
                    scopes: if scopes.is_empty() {
                        &client.scopes
                    } else {
                        scopes
                    },
                    audience: None,
                };
                oauth::client_credentials(&self.http, &metadata.token_endpoint, secret, &ask)
                    .await?
            }
            Auth::DeviceFlow { scopes, audience } | Auth::Pkce { scopes, audience } => {
                let ask = Ask {
                    client_id: &client.client_id,
                    scopes: if scopes.is_empty() {
                        &client.scopes
                    } else {
                        scopes
                    },
                    audience: audience.as_deref().or(Some(client.audience.as_str())),
                };
                self.user_sign_in(&ask, &client.redirect_uri, refresh)
                    .await?
            }
        };
        let renew_at = issued.expires_in.map(|secs: u64| {
            let good_for = std::time::Duration::from_secs(secs).saturating_sub(RENEW_BEFORE);
            tokio::time::Instant::now() + good_for
        });
        Ok(Token {
            header,
            value: issued.access_token,
            renew_at,
            refresh: issued.refresh_token,
        })
    }

    /// A token for a user: refreshed when there is a refresh token, else signed in
    /// anew, through the browser ([`Auth::Pkce`]) or a code approved on any device
    /// ([`Auth::DeviceFlow`]).
    async fn user_sign_in(
        &self,
        ask: &Ask<'_>,
        redirect_uri: &str,
        refresh: Option<String>,
    ) -> Result<Issued, RemoteError> {
        let metadata = self.oauth2_metadata().await?;
        if let Some(refresh) = refresh {
            match oauth::refresh(&self.http, &metadata.token_endpoint, &refresh, ask).await {
                Ok(issued) => return Ok(issued),
                Err(e) => tracing::warn!("{e}; signing in again"),
            }
        }
        if let Auth::Pkce { .. } = self.config.auth {
            if metadata.authorization_endpoint.is_empty() || redirect_uri.is_empty() {
                return Err(RemoteError::Auth(
                    "flyteadmin names no authorization endpoint or redirect URI for signing in through a browser".to_string(),
                ));
            }
            let endpoints = (&metadata.authorization_endpoint, &metadata.token_endpoint);
            return super::pkce::sign_in(&self.http, endpoints.0, endpoints.1, redirect_uri, ask)
                .await;
        }
        if metadata.device_authorization_endpoint.is_empty() {
            return Err(RemoteError::Auth(
                "flyteadmin's authorization server offers no device flow (no device_authorization_endpoint)".to_string(),
            ));
        }
        let code =
            oauth::device_code(&self.http, &metadata.device_authorization_endpoint, ask).await?;
        eprintln!(
            "To sign in to flyteadmin, open {} and enter code {}",
            code.page(),
            code.user_code
        );
        oauth::device_token(&self.http, &metadata.token_endpoint, &code, ask).await
    }
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
