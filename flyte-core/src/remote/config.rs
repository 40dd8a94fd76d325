//! Where flyteadmin is and how to sign in, read as flytectl and pyflyte read it:
//! `$FLYTECTL_CONFIG` or `~/.flyte/config.yaml` (`admin.endpoint`, `admin.insecure`,
//! `admin.authType`, `admin.clientId`, `admin.clientSecretLocation`,
//! `admin.clientSecretEnvVar`, `admin.command`, `admin.scopes`, `admin.audience`,
//! `admin.caCertFilePath`), then flytekit's environment variables over it.

use std::path::{Path, PathBuf};

use super::RemoteError;

/// How the client signs in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// No sign-in (a sandbox, or a cluster behind a private network).
    #[default]
    None,
    /// OAuth2 client credentials: a token from the token endpoint flyteadmin's
    /// `AuthMetadataService` names, for this client id and secret.
    ClientSecret {
        /// The OAuth2 client.
        client_id: String,
        /// Its secret.
        secret: String,
        /// Scopes asked for (flyteadmin's public client config's when empty).
        scopes: Vec<String>,
    },
    /// A token printed by a command (flytectl's `ExternalCommand`).
    ExternalCommand(Vec<String>),
    /// The OAuth2 device flow (flytectl's `DeviceFlow`): a page and a code are
    /// printed, the user approves this program in a browser (on any device), and
    /// the token is refreshed from then on, for as long as the client lives.
    DeviceFlow {
        /// Scopes asked for (flyteadmin's public client config's when empty).
        scopes: Vec<String>,
        /// The audience asked for (the public client config's when `None`).
        audience: Option<String>,
    },
    /// Signing in through a browser (flytectl's `Pkce`): the authorization page
    /// opens in `$BROWSER` or the desktop's browser, and comes back to the redirect
    /// URI flyteadmin names on this machine; the token is refreshed from then on,
    /// for as long as the client lives.
    Pkce {
        /// Scopes asked for (flyteadmin's public client config's when empty).
        scopes: Vec<String>,
        /// The audience asked for (the public client config's when `None`).
        audience: Option<String>,
    },
}

impl Auth {
    /// Whether a person signs in (device flow, browser): those tokens are kept in
    /// the system's keyring between runs.
    pub(crate) fn signs_in_a_user(&self) -> bool {
        matches!(self, Auth::DeviceFlow { .. } | Auth::Pkce { .. })
    }
}

/// Where flyteadmin is and how to reach it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteConfig {
    /// `host:port` (`dns:///host:port` as flytectl writes it is accepted).
    pub endpoint: String,
    /// Plain HTTP/2 without TLS (flytectl's `admin.insecure`).
    pub insecure: bool,
    /// How to sign in.
    pub auth: Auth,
    /// A PEM file of certificate authorities to trust besides the usual web roots,
    /// for a cluster with a private CA (flytectl's `admin.caCertFilePath`).
    pub ca_cert: Option<PathBuf>,
}

impl RemoteConfig {
    /// Forgets the sign-in tokens kept in the system's keyring for this endpoint
    /// (`--logout`): the next call signs in again.
    pub fn logout(&self) {
        super::keyring::forget(&self.endpoint);
    }

    /// flyteadmin at `endpoint`, over TLS, without sign-in.
    pub fn new(endpoint: impl Into<String>) -> Self {
        RemoteConfig {
            endpoint: endpoint.into(),
            insecure: false,
            auth: Auth::None,
            ca_cert: None,
        }
    }

    /// Trust the certificate authorities in this PEM file too.
    pub fn ca_cert(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_cert = Some(path.into());
        self
    }

    /// Plain HTTP/2 without TLS, or not.
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// How to sign in.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The configuration flytectl and pyflyte would use: the config file
    /// (`$FLYTECTL_CONFIG`, else `~/.flyte/config.yaml` when it exists), then
    /// `FLYTE_PLATFORM_URL`, `FLYTE_PLATFORM_INSECURE`,
    /// `FLYTE_PLATFORM_CA_CERT_FILE_PATH`, `FLYTE_CREDENTIALS_CLIENT_ID` and
    /// `FLYTE_CREDENTIALS_CLIENT_SECRET` over it.
    pub fn load() -> Result<Self, RemoteError> {
        let file = match std::env::var_os("FLYTECTL_CONFIG") {
            Some(path) => Some(PathBuf::from(path)),
            None => dirs::home_dir()
                .map(|h| h.join(".flyte/config.yaml"))
                .filter(|p| p.exists()),
        };
        let mut config = match &file {
            Some(path) => Some(Self::from_file(path)?),
            None => None,
        };
        if let Ok(endpoint) = std::env::var("FLYTE_PLATFORM_URL") {
            let base = config.take().unwrap_or_else(|| RemoteConfig::new(""));
            config = Some(RemoteConfig { endpoint, ..base });
        }
        let mut config = config.ok_or(RemoteError::NoEndpoint)?;
        if let Ok(v) = std::env::var("FLYTE_PLATFORM_INSECURE") {
            config.insecure = v.eq_ignore_ascii_case("true") || v == "1";
        }
        if let Some(path) = std::env::var_os("FLYTE_PLATFORM_CA_CERT_FILE_PATH") {
            config.ca_cert = Some(PathBuf::from(path));
        }
        if let (Ok(client_id), Ok(secret)) = (
            std::env::var("FLYTE_CREDENTIALS_CLIENT_ID"),
            std::env::var("FLYTE_CREDENTIALS_CLIENT_SECRET"),
        ) {
            config.auth = Auth::ClientSecret {
                client_id,
                secret,
                scopes: Vec::new(),
            };
        }
        Ok(config)
    }

    /// Reads a flytectl config file.
    pub fn from_file(path: &Path) -> Result<Self, RemoteError> {
        let bad = |reason: String| RemoteError::Config {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        Self::from_yaml(&text).map_err(bad)
    }

    /// Reads a flytectl config's text.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        use yaml_rust2::{Yaml, YamlLoader};
        let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
        let admin = docs.first().map(|d| &d["admin"]).unwrap_or(&Yaml::BadValue);
        let text_of = |key: &str| admin[key].as_str().map(str::to_string);
        let endpoint = text_of("endpoint").ok_or("no `admin.endpoint`")?;
        let insecure = admin["insecure"].as_bool().unwrap_or(false);
        let list_of = |key: &str| -> Vec<String> {
            admin[key]
                .as_vec()
                .map(|v| {
                    v.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let auth = match text_of("authType").as_deref() {
            None | Some("") => Auth::None,
            Some("ClientSecret") => {
                let client_id =
                    text_of("clientId").ok_or("`ClientSecret` needs `admin.clientId`")?;
                let secret = client_secret(
                    text_of("clientSecretLocation").as_deref(),
                    text_of("clientSecretEnvVar").as_deref(),
                )?;
                Auth::ClientSecret {
                    client_id,
                    secret,
                    scopes: list_of("scopes"),
                }
            }
            Some("ExternalCommand") => {
                let command = list_of("command");
                if command.is_empty() {
                    return Err("`ExternalCommand` needs `admin.command`, a list".to_string());
                }
                Auth::ExternalCommand(command)
            }
            Some("DeviceFlow") => Auth::DeviceFlow {
                scopes: list_of("scopes"),
                audience: text_of("audience"),
            },
            Some("Pkce") => Auth::Pkce {
                scopes: list_of("scopes"),
                audience: text_of("audience"),
            },
            Some(other) => {
                return Err(format!(
                    "`admin.authType: {other}` is not supported (ClientSecret, Pkce, DeviceFlow and ExternalCommand are)"
                ));
            }
        };
        Ok(RemoteConfig {
            endpoint,
            insecure,
            auth,
            ca_cert: text_of("caCertFilePath").map(PathBuf::from),
        })
    }

    /// The URL the channel connects to.
    pub(super) fn url(&self) -> String {
        let host = self.endpoint.trim_start_matches("dns:///");
        let host = host
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let scheme = if self.insecure { "http" } else { "https" };
        format!("{scheme}://{host}")
    }
}

/// The client secret from its file (flytectl's default `/etc/secrets/client_secret`)
/// or its environment variable, trimmed.
fn client_secret(location: Option<&str>, env_var: Option<&str>) -> Result<String, String> {
    if let Some(var) = env_var {
        return std::env::var(var)
            .map_err(|_| format!("the client secret's variable `{var}` is not set"));
    }
    let path = location.unwrap_or("/etc/secrets/client_secret");
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .map_err(|e| format!("cannot read the client secret at `{path}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flytectl_config_is_read() {
        let config = RemoteConfig::from_yaml(
            "admin:\n  endpoint: dns:///flyte.example.org:443\n  insecure: false\n  authType: ExternalCommand\n  command: [\"print-token\", \"--audience\", \"flyte\"]\nlogger:\n  level: 0\n",
        )
        .unwrap();
        assert_eq!(config.endpoint, "dns:///flyte.example.org:443");
        assert_eq!(config.ca_cert, None);
        let with_ca =
            RemoteConfig::from_yaml("admin:\n  endpoint: x:443\n  caCertFilePath: /etc/ca.pem\n")
                .unwrap();
        assert_eq!(with_ca.ca_cert, Some(PathBuf::from("/etc/ca.pem")));
        assert_eq!(config.url(), "https://flyte.example.org:443");
        assert_eq!(
            config.auth,
            Auth::ExternalCommand(vec![
                "print-token".into(),
                "--audience".into(),
                "flyte".into()
            ])
        );
        let err =
            RemoteConfig::from_yaml("admin:\n  endpoint: x\n  authType: Basic\n").unwrap_err();
        assert!(
            err.contains("`admin.authType: Basic` is not supported (ClientSecret, Pkce"),
            "{err}"
        );
        assert_eq!(
            RemoteConfig::from_yaml("logger: {}\n").unwrap_err(),
            "no `admin.endpoint`"
        );
    }
}
