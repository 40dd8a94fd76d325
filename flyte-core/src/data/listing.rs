//! Listing a folder of an object store (S3, GCS, Azure, memory).

use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};

use super::Listed;

/// The objects under `prefix`, by their own paths. An empty object the store
/// cannot find under the name it listed is a folder marker (a key ending in `/`,
/// which object_store lists without the `/`) and is left out, as is the folder's
/// own marker.
pub(super) async fn list(
    store: &dyn ObjectStore,
    prefix: &Path,
) -> Result<Vec<Listed>, object_store::Error> {
    let metas: Vec<ObjectMeta> = store.list(Some(prefix)).try_collect().await?;
    let mut objects = Vec::with_capacity(metas.len());
    for meta in metas {
        let Some(relative) = relative(prefix, &meta.location) else {
            continue;
        };
        if meta.size == 0 && is_marker(store, &meta.location).await? {
            tracing::debug!(key = %meta.location, "skipping a folder marker");
            continue;
        }
        objects.push(Listed {
            relative,
            path: meta.location,
        });
    }
    Ok(objects)
}

/// `location`'s parts after `prefix`'s, joined; `None` for the prefix itself.
fn relative(prefix: &Path, location: &Path) -> Option<String> {
    let parts: Vec<String> = location
        .prefix_match(prefix)?
        .map(|p| p.as_ref().to_string())
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

async fn is_marker(store: &dyn ObjectStore, path: &Path) -> Result<bool, object_store::Error> {
    match store.head(path).await {
        Ok(_) => Ok(false),
        Err(object_store::Error::NotFound { .. }) => Ok(true),
        Err(e) => Err(e),
    }
}
