//! Files sent to the cluster through flyteadmin's data proxy, as pyflyte sends them:
//! `CreateUploadLocation` hands out a signed URL (for the file's MD5), the file goes
//! there in one `PUT`, and tasks read it at the native URL (`s3://...`).

use base64::Engine;
use md5::{Digest, Md5};

use super::RemoteError;
use crate::idl::admin_service as api;

impl super::Remote {
    /// Uploads `bytes` as `filename` for `project`/`domain`; returns where tasks read
    /// it.
    pub async fn upload(
        &self,
        project: &str,
        domain: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<String, RemoteError> {
        let md5 = Md5::digest(&bytes).to_vec();
        let request = api::CreateUploadLocationRequest {
            project: project.to_string(),
            domain: domain.to_string(),
            filename: filename.to_string(),
            content_md5: md5.clone(),
        };
        let location: api::CreateUploadLocationResponse = self
            .call_service(
                "/flyteidl.service.DataProxyService/CreateUploadLocation",
                request,
            )
            .await
            .map_err(super::call_failed(
                "CreateUploadLocation",
                format!("for `{filename}`"),
            ))?;
        let mut put = self
            .http
            .put(&location.signed_url)
            .header(
                "content-md5",
                base64::engine::general_purpose::STANDARD.encode(&md5),
            )
            .body(bytes);
        for (name, value) in &location.headers {
            put = put.header(name, value);
        }
        let response = put.send().await.map_err(|e| RemoteError::Upload {
            file: filename.to_string(),
            reason: e.to_string(),
        })?;
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(RemoteError::Upload {
                file: filename.to_string(),
                reason: format!("{status}: {}", crate::types::preview(body.trim())),
            });
        }
        Ok(location.native_url)
    }
}
