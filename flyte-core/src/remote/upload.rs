//! Files sent to the cluster through flyteadmin's data proxy, as pyflyte sends them:
//! `CreateUploadLocation` hands out a signed URL (for the file's MD5), the file goes
//! there in one `PUT`, and tasks read it at the native URL (`s3://...`). A folder goes
//! file by file under one `filename_root`, computed as flytekit computes it.

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
        self.upload_under(project, domain, filename, "", md5, bytes)
            .await
    }

    /// Uploads every file under the folder `local` (symbolic links left out, as
    /// flytekit does), keeping their relative paths; returns the folder's URL.
    ///
    /// The files share a `filename_root`: base32 of the MD5 of their MD5s in path
    /// order, as flytekit's `FlyteFS` names an uploaded folder, so the same folder
    /// goes to the same place. (flytekit sends only each file's name, so files of
    /// subfolders land side by side; their paths are kept here.)
    pub async fn upload_folder(
        &self,
        project: &str,
        domain: &str,
        local: &std::path::Path,
    ) -> Result<String, RemoteError> {
        let unreadable = |path: &std::path::Path, e: std::io::Error| RemoteError::Upload {
            file: path.display().to_string(),
            reason: e.to_string(),
        };
        let mut files = Vec::new();
        folder_files(local, &mut files).map_err(|(path, e)| unreadable(&path, e))?;
        // By the absolute path as a string, as flytekit orders them.
        files.sort_by_cached_key(|p| {
            let absolute = std::path::absolute(p).unwrap_or(p.to_path_buf());
            absolute.to_string_lossy().into_owned()
        });
        // Each file's MD5 first: together they name the folder. The files are read
        // again to send them, one at a time, rather than held all in memory.
        let mut md5s = Vec::with_capacity(files.len());
        for path in &files {
            let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
            md5s.push(Md5::digest(&bytes).to_vec());
        }
        if files.is_empty() {
            return Err(RemoteError::Upload {
                file: local.display().to_string(),
                reason: "the folder has no files to send".to_string(),
            });
        }
        let root = data_encoding::BASE32.encode(&Md5::digest(md5s.concat()));
        let mut folder = None;
        for (path, md5) in files.iter().zip(md5s) {
            let relative = path.strip_prefix(local).unwrap_or(path);
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
            let url = self
                .upload_under(project, domain, &name, &root, md5, bytes)
                .await?;
            let here = url.strip_suffix(&format!("/{name}")).map(str::to_string);
            if here.is_none() || folder.as_ref().is_some_and(|f| Some(f) != here.as_ref()) {
                return Err(RemoteError::Upload {
                    file: path.display().to_string(),
                    reason: format!(
                        "flyteadmin put it at `{url}`, outside the folder's other files"
                    ),
                });
            }
            folder = here;
        }
        Ok(folder.expect("a folder with files has a URL"))
    }

    async fn upload_under(
        &self,
        project: &str,
        domain: &str,
        filename: &str,
        filename_root: &str,
        md5: Vec<u8>,
        bytes: Vec<u8>,
    ) -> Result<String, RemoteError> {
        let request = api::CreateUploadLocationRequest {
            project: project.to_string(),
            domain: domain.to_string(),
            filename: filename.to_string(),
            content_md5: md5.clone(),
            filename_root: filename_root.to_string(),
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

/// The files under `dir`, in any order; symbolic links are left out.
fn folder_files(
    dir: &std::path::Path,
    out: &mut Vec<std::path::PathBuf>,
) -> Result<(), (std::path::PathBuf, std::io::Error)> {
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| (dir.to_path_buf(), e))?;
        let kind = entry.file_type().map_err(|e| (entry.path(), e))?;
        if kind.is_dir() {
            folder_files(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}
