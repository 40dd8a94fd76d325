//! Sign-in tokens of the browser (PKCE) and device flows kept between runs in the
//! operating system's keyring, as flytekit keeps them (`KeyringStore`): under the
//! endpoint as the service, with the users `access_token` and `refresh_token`. The
//! `keyring` crate talks to the macOS Keychain, the Windows Credential Manager and
//! the Linux kernel's keyring. Where none answers (a container, a CI machine) the
//! tokens live as long as the program and the next run signs in again; they are
//! never written to a plain file. `FLYTE_KEYRING=off` keeps none (a shared machine,
//! a test).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

const ACCESS: &str = "access_token";
const REFRESH: &str = "refresh_token";

/// What the keyring holds for an endpoint.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Kept {
    pub(super) access: Option<String>,
    pub(super) refresh: Option<String>,
}

/// Entry handles by endpoint and key.
type Entries = HashMap<(String, String), Arc<keyring::Entry>>;

/// The keyring's entry for (`endpoint`, `key`): one handle per entry for the life of
/// the program (a store such as the crate's mock keeps a password in its handle).
fn entry(endpoint: &str, key: &str) -> Option<Arc<keyring::Entry>> {
    if std::env::var("FLYTE_KEYRING").is_ok_and(|v| v == "off") {
        return None;
    }
    static ENTRIES: LazyLock<Mutex<Entries>> = LazyLock::new(Default::default);
    let mut entries = ENTRIES.lock().unwrap_or_else(|e| e.into_inner());
    let id = (endpoint.to_string(), key.to_string());
    if let Some(found) = entries.get(&id) {
        return Some(found.clone());
    }
    match keyring::Entry::new(endpoint, key) {
        Ok(made) => {
            let made = Arc::new(made);
            entries.insert(id, made.clone());
            Some(made)
        }
        Err(e) => {
            tracing::debug!("no keyring for the sign-in token ({e}): it is not kept");
            None
        }
    }
}

fn get(endpoint: &str, key: &str) -> Option<String> {
    match entry(endpoint, key)?.get_password() {
        Ok(value) => Some(value),
        Err(keyring::Error::NoEntry) => None,
        Err(e) => {
            tracing::debug!("cannot read the sign-in token from the keyring: {e}");
            None
        }
    }
}

/// The tokens kept for `endpoint`, if any.
pub(super) fn load(endpoint: &str) -> Kept {
    Kept {
        access: get(endpoint, ACCESS),
        refresh: get(endpoint, REFRESH),
    }
}

/// Keeps the tokens just issued for `endpoint` (a refresh token only when issued).
pub(super) fn save(endpoint: &str, access: &str, refresh: Option<&str>) {
    let keep = |key: &str, value: &str| {
        if let Some(e) = entry(endpoint, key)
            && let Err(err) = e.set_password(value)
        {
            tracing::debug!("cannot keep the sign-in token in the keyring: {err}");
        }
    };
    if let Some(refresh) = refresh {
        keep(REFRESH, refresh);
    }
    keep(ACCESS, access);
}

/// Keeps a refresh token alone (its access token was refused).
pub(super) fn save_refresh(endpoint: &str, refresh: &str) {
    if let Some(e) = entry(endpoint, REFRESH)
        && let Err(err) = e.set_password(refresh)
    {
        tracing::debug!("cannot keep the refresh token in the keyring: {err}");
    }
}

fn delete(endpoint: &str, key: &str) {
    if let Some(e) = entry(endpoint, key) {
        match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(err) => tracing::debug!("cannot remove the sign-in token from the keyring: {err}"),
        }
    }
}

/// Forgets the access token flyteadmin refused, keeping the refresh token for a
/// new one.
pub(super) fn forget_access(endpoint: &str) {
    delete(endpoint, ACCESS);
}

/// Forgets every token kept for `endpoint` (`--logout`).
pub(super) fn forget(endpoint: &str) {
    delete(endpoint, ACCESS);
    delete(endpoint, REFRESH);
}
