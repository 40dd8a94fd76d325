//! [`StructuredDataset`]: dataframes as Flyte's structured datasets, stored as
//! flytekit stores them (a folder of Parquet parts under the raw-output prefix, the
//! first named `00000`), read and written as Arrow record batches.
//!
//! A Python task's `pd.DataFrame` or `StructuredDataset` output wires to a Rust
//! `StructuredDataset` input and back. Typed columns come from a struct deriving
//! [`Columns`](trait@Columns): `StructuredDataset<AbCols>` is flytekit's
//! `Annotated[StructuredDataset, kwtypes(a=int, b=str)]`.

use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use arrow_array::RecordBatch;
use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::{
    BlobDimensionality, BlobRef, ContentHash, DatasetType, FlyteType, Literal, LiteralMismatch,
};
use super::{LiteralType, SimpleType};
use crate::data::{DataError, FileAccess};

/// The storage format this SDK reads and writes (flytekit's default).
pub const PARQUET: &str = "parquet";

/// The columns of a typed dataframe. Derive it (`#[derive(Columns)]`) on a struct
/// whose fields name the columns and give their types.
pub trait Columns: Send + Sync + 'static {
    /// Each column's name and Flyte type, in order.
    fn columns() -> Vec<(String, LiteralType)>;
}

/// Any columns: a plain `StructuredDataset` (flytekit's `pd.DataFrame`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AnyColumns;

impl Columns for AnyColumns {
    fn columns() -> Vec<(String, LiteralType)> {
        Vec::new()
    }
}

/// What went wrong reading or writing a dataframe.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataframeError {
    /// The data could not be read or written where it is.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A local file could not be written.
    #[error("cannot write `{path}`")]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Parquet could not encode or decode the data.
    #[error("Parquet at `{location}`")]
    Parquet {
        /// The dataframe's folder or part.
        location: String,
        /// Why.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// The batches lack a column the type declares, or hold it with another type.
    #[error("column `{column}`: {problem}")]
    Column {
        /// The column.
        column: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Arrow could not decode or select the data.
    #[error("Arrow at `{location}`")]
    Arrow {
        /// The part.
        location: String,
        /// Why.
        #[source]
        source: arrow_schema::ArrowError,
    },
    /// The batches of one dataframe have different schemas.
    #[error("the record batches have different schemas (batch {batch} differs from the first)")]
    SchemaMismatch {
        /// The first batch that differs.
        batch: usize,
    },
    /// The dataset is stored in a format this SDK does not read.
    #[error("the dataframe at `{uri}` is stored as `{format}`; this SDK reads Parquet")]
    Format {
        /// Where it is.
        uri: String,
        /// Its format.
        format: String,
    },
}

/// A dataframe, by the URI of the folder holding its Parquet parts.
///
/// ```
/// # extern crate flytekit_core as flytekit;
/// use std::sync::Arc;
/// use arrow_array::{Int64Array, RecordBatch, StringArray};
/// use flytekit::types::StructuredDataset;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let batch = RecordBatch::try_from_iter([
///     ("a", Arc::new(Int64Array::from(vec![1, 2])) as _),
///     ("b", Arc::new(StringArray::from(vec!["x", "y"])) as _),
/// ])?;
/// // Written to local disk; the type says which columns (here: any).
/// let df: StructuredDataset = StructuredDataset::from_batches(&[batch])?;
/// let back = df.batches().await?;
/// assert_eq!(back.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
/// # Ok(())
/// # }
/// ```
pub struct StructuredDataset<C: Columns = AnyColumns> {
    uri: String,
    format: String,
    hash: ContentHash,
    _columns: PhantomData<fn() -> C>,
}

impl<C: Columns> Clone for StructuredDataset<C> {
    fn clone(&self) -> Self {
        StructuredDataset {
            uri: self.uri.clone(),
            format: self.format.clone(),
            hash: self.hash.clone(),
            _columns: PhantomData,
        }
    }
}

impl<C: Columns> std::fmt::Debug for StructuredDataset<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StructuredDataset")
            .field("uri", &self.uri)
            .field("format", &self.format)
            .field("hash", &self.hash)
            .finish()
    }
}

impl<C: Columns> PartialEq for StructuredDataset<C> {
    fn eq(&self, other: &Self) -> bool {
        self.uri == other.uri && self.format == other.format && self.hash == other.hash
    }
}

impl<C: Columns> Eq for StructuredDataset<C> {}

impl<C: Columns> std::hash::Hash for StructuredDataset<C> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.uri.hash(state);
    }
}

impl StructuredDataset {
    /// The dataframe stored at `uri` (a folder of Parquet files, or one file).
    pub fn new(uri: impl Into<String>) -> Self {
        StructuredDataset {
            uri: uri.into(),
            format: PARQUET.to_string(),
            hash: ContentHash::None,
            _columns: PhantomData,
        }
    }
}

impl<C: Columns> StructuredDataset<C> {
    /// Writes `batches` as one Parquet part (`00000`, Snappy-compressed, as pandas
    /// writes it) in a new folder on this machine; a task returning it has the
    /// folder uploaded under the raw-output prefix. With typed columns, every
    /// declared column must be in the batches with a matching Arrow type.
    pub fn from_batches(batches: &[RecordBatch]) -> Result<Self, DataframeError> {
        static SEQ: AtomicU64 = AtomicU64::new(0);
        if let Some(first) = batches.first() {
            check_columns::<C>(first.schema().as_ref())?;
            if let Some(i) = batches.iter().position(|b| b.schema() != first.schema()) {
                return Err(DataframeError::SchemaMismatch { batch: i });
            }
        }
        let dir = std::env::temp_dir().join("flyte-dataframes").join(format!(
            "{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let io = |path: &std::path::Path| {
            let path = path.display().to_string();
            move |source| DataframeError::Io { path, source }
        };
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let part = dir.join("00000");
        let file = std::fs::File::create(&part).map_err(io(&part))?;
        let location = part.display().to_string();
        let parquet_err = |source| DataframeError::Parquet {
            location: location.clone(),
            source,
        };
        let props = parquet::file::properties::WriterProperties::builder()
            .set_compression(parquet::basic::Compression::SNAPPY)
            .build();
        let schema = match batches.first() {
            Some(b) => b.schema(),
            None => Arc::new(arrow_schema::Schema::empty()),
        };
        let mut writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(parquet_err)?;
        for batch in batches {
            writer.write(batch).map_err(parquet_err)?;
        }
        writer.close().map_err(parquet_err)?;
        Ok(StructuredDataset {
            uri: dir.display().to_string(),
            format: PARQUET.to_string(),
            hash: ContentHash::None,
            _columns: PhantomData,
        })
    }

    /// Where the dataframe is.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Asks for the dataframe's content hash (of its stored files' names and bytes;
    /// see [`ContentHash`]) to be computed when the task returning it finishes, so a
    /// cached task it is handed to keys on its content, as flytekit's
    /// `Annotated[pd.DataFrame, HashMethod(..)]` does.
    pub fn with_content_hash(mut self) -> Self {
        self.hash = self.hash.wanted();
        self
    }

    /// Gives the dataframe a hash of your own, used in cache keys in place of its
    /// location.
    pub fn with_hash(mut self, hash: impl Into<String>) -> Self {
        self.hash = ContentHash::Known(hash.into());
        self
    }

    /// Its content hash, when known.
    pub fn hash(&self) -> Option<&str> {
        self.hash.known()
    }

    /// The same dataframe with the columns `D` declares.
    pub fn columns<D: Columns>(self) -> StructuredDataset<D> {
        StructuredDataset {
            uri: self.uri,
            format: self.format,
            hash: self.hash,
            _columns: PhantomData,
        }
    }

    /// The dataframe's record batches, part by part: one Parquet part is in memory
    /// at a time. With typed columns, each batch holds the declared columns only.
    pub async fn stream(
        &self,
    ) -> Result<BoxStream<'static, Result<RecordBatch, DataframeError>>, DataframeError> {
        if !(self.format.is_empty() || self.format == PARQUET) {
            return Err(DataframeError::Format {
                uri: self.uri.clone(),
                format: self.format.clone(),
            });
        }
        let access = crate::data::current();
        let parts = parts(&access, &self.uri).await?;
        let wanted: Vec<String> = C::columns().into_iter().map(|(n, _)| n).collect();
        let stream = futures::stream::iter(parts)
            .then(move |part| {
                let access = access.clone();
                async move { access.get(&part).await.map(|bytes| (part, bytes)) }
            })
            .map(
                move |got| -> Result<BoxStream<'static, _>, DataframeError> {
                    let (part, bytes) = got?;
                    Ok(decode_part(part, bytes, wanted.clone())?.boxed())
                },
            )
            .flat_map(|part| match part {
                Ok(batches) => batches,
                Err(e) => futures::stream::once(async move { Err(e) }).boxed(),
            });
        Ok(stream.boxed())
    }

    /// Every record batch of the dataframe (see [`StructuredDataset::stream`]).
    pub async fn batches(&self) -> Result<Vec<RecordBatch>, DataframeError> {
        let mut stream = self.stream().await?;
        let mut out = Vec::new();
        while let Some(batch) = stream.next().await {
            out.push(batch?);
        }
        Ok(out)
    }
}

/// The Parquet parts of a dataframe: every object under the folder, in name order
/// (flytekit writes `00000`, `00001`, ...), or the one object when `uri` is a file.
/// Names starting with `_` or `.` (Spark's `_SUCCESS`, checksum files) are not
/// data, as pyarrow skips them too.
async fn parts(access: &FileAccess, uri: &str) -> Result<Vec<String>, DataError> {
    let listed = access.list(uri).await?;
    if listed.is_empty() {
        return Ok(vec![uri.to_string()]);
    }
    let mut found: Vec<String> = listed
        .into_iter()
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            !(name.starts_with('_') || name.starts_with('.'))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// The batches of one part, with the `wanted` columns only (all when empty).
fn decode_part(
    part: String,
    bytes: Bytes,
    wanted: Vec<String>,
) -> Result<impl futures::Stream<Item = Result<RecordBatch, DataframeError>>, DataframeError> {
    let parquet_err = |part: &str| {
        let location = part.to_string();
        move |source| DataframeError::Parquet { location, source }
    };
    let builder = ParquetRecordBatchReaderBuilder::try_new(bytes).map_err(parquet_err(&part))?;
    let schema = builder.schema().clone();
    let indices = wanted
        .iter()
        .map(|name| {
            schema.index_of(name).map_err(|_| DataframeError::Column {
                column: name.clone(),
                problem: format!("not in the dataframe at `{part}`"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let reader = builder.build().map_err(parquet_err(&part))?;
    let batches = reader.map(move |batch| {
        let arrow_err = |source| DataframeError::Arrow {
            location: part.clone(),
            source,
        };
        let batch = batch.map_err(arrow_err)?;
        if indices.is_empty() {
            return Ok(batch);
        }
        batch.project(&indices).map_err(arrow_err)
    });
    Ok(futures::stream::iter(batches))
}

/// Checks that `schema` holds the columns `C` declares, with Arrow types of the
/// same kind.
fn check_columns<C: Columns>(schema: &arrow_schema::Schema) -> Result<(), DataframeError> {
    use arrow_schema::DataType as D;
    for (name, ty) in C::columns() {
        let field = schema
            .field_with_name(&name)
            .map_err(|_| DataframeError::Column {
                column: name.clone(),
                problem: "declared, but not in the record batches".to_string(),
            })?;
        let fits = match &ty {
            LiteralType::Simple(SimpleType::Integer) => field.data_type().is_integer(),
            LiteralType::Simple(SimpleType::Float) => field.data_type().is_floating(),
            LiteralType::Simple(SimpleType::String) => {
                matches!(field.data_type(), D::Utf8 | D::LargeUtf8 | D::Utf8View)
            }
            LiteralType::Simple(SimpleType::Boolean) => field.data_type() == &D::Boolean,
            LiteralType::Simple(SimpleType::Datetime | SimpleType::Date) => {
                matches!(field.data_type(), D::Timestamp(..) | D::Date32 | D::Date64)
            }
            LiteralType::Simple(SimpleType::Duration) => {
                matches!(field.data_type(), D::Duration(_))
            }
            // Nested column types are passed through unchecked.
            _ => true,
        };
        if !fits {
            return Err(DataframeError::Column {
                column: name,
                problem: format!("declared {ty}, but the batches hold {}", field.data_type()),
            });
        }
    }
    Ok(())
}

impl<C: Columns> FlyteType for StructuredDataset<C> {
    const UNION_TAG: Option<&'static str> = Some("StructuredDataset Transformer");
    const HAS_BLOBS: bool = true;
    fn literal_type() -> LiteralType {
        LiteralType::StructuredDataset(DatasetType {
            columns: C::columns(),
            format: String::new(),
        })
    }
    fn to_literal(&self) -> Literal {
        Literal::StructuredDataset {
            uri: self.uri.clone(),
            ty: DatasetType {
                columns: C::columns(),
                format: self.format.clone(),
            },
            hash: self.hash.known().map(str::to_string),
        }
    }
    fn from_literal(literal: &Literal) -> Result<Self, LiteralMismatch> {
        match literal {
            Literal::StructuredDataset { uri, ty, hash } => Ok(StructuredDataset {
                uri: uri.clone(),
                format: ty.format.clone(),
                hash: ContentHash::from_literal(hash),
                _columns: PhantomData,
            }),
            other => Err(LiteralMismatch::new::<Self>(other)),
        }
    }
    fn visit_blobs<'a>(&'a mut self, f: &mut dyn FnMut(BlobRef<'a>)) {
        // A folder on this machine is uploaded as a directory is.
        f(BlobRef {
            uri: &mut self.uri,
            dimensionality: BlobDimensionality::Multipart,
            hash: &mut self.hash,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{ArrayRef, Int64Array, StringArray};

    fn batch() -> RecordBatch {
        RecordBatch::try_from_iter([
            ("a", Arc::new(Int64Array::from(vec![1, 2, 3])) as ArrayRef),
            (
                "b",
                Arc::new(StringArray::from(vec!["x", "y", "z"])) as ArrayRef,
            ),
        ])
        .unwrap()
    }

    /// `b` only.
    struct JustB;
    impl Columns for JustB {
        fn columns() -> Vec<(String, LiteralType)> {
            vec![("b".into(), LiteralType::Simple(SimpleType::String))]
        }
    }

    /// `a` declared as a string.
    struct AIsText;
    impl Columns for AIsText {
        fn columns() -> Vec<(String, LiteralType)> {
            vec![("a".into(), LiteralType::Simple(SimpleType::String))]
        }
    }

    #[tokio::test]
    async fn parts_are_read_in_order_and_markers_skipped_and_typed_columns_projected() {
        let df: StructuredDataset = StructuredDataset::from_batches(&[batch(), batch()]).unwrap();
        // A second part, and the files Spark leaves beside parts.
        let first = std::path::Path::new(df.uri()).join("00000");
        std::fs::copy(&first, std::path::Path::new(df.uri()).join("00001")).unwrap();
        std::fs::write(std::path::Path::new(df.uri()).join("_SUCCESS"), "").unwrap();
        std::fs::write(std::path::Path::new(df.uri()).join(".00000.crc"), "x").unwrap();
        let rows: usize = df
            .batches()
            .await
            .unwrap()
            .iter()
            .map(|b| b.num_rows())
            .sum();
        assert_eq!(rows, 12);
        let typed = df.columns::<JustB>().batches().await.unwrap();
        assert!(typed.iter().all(|b| b.num_columns() == 1));
        assert_eq!(typed[0].schema().field(0).name(), "b");
    }

    #[test]
    fn batches_that_do_not_hold_the_declared_columns_are_refused_naming_the_column() {
        let err = StructuredDataset::<AIsText>::from_batches(&[batch()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "column `a`: declared string, but the batches hold Int64"
        );
        let other =
            RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(vec![1])) as ArrayRef)])
                .unwrap();
        let err = StructuredDataset::<AnyColumns>::from_batches(&[batch(), other]).unwrap_err();
        assert!(
            matches!(err, DataframeError::SchemaMismatch { batch: 1 }),
            "{err}"
        );
    }
}
