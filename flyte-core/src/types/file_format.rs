//! File formats: [`FlyteFile<F>`](super::FlyteFile) names its format in its Flyte type
//! (flytekit's `FlyteFile[typing.TypeVar("csv")]`, `CSVFile`, ...), so Flyte checks
//! that a CSV output goes to a CSV input.

/// A file format, as a type: its name is the blob format Flyte compares.
///
/// Declare more with [`file_format!`](crate::file_format).
pub trait FileFormat:
    Clone + Copy + std::fmt::Debug + PartialEq + Eq + std::hash::Hash + Send + Sync + 'static
{
    /// The format's name in the Flyte type (`"csv"`); empty for any format.
    const FORMAT: &'static str;
}

/// Declares file formats: `file_format!(pub Hdf5 = "hdf5");` makes `FlyteFile<Hdf5>`
/// a file whose Flyte type says `hdf5`.
#[macro_export]
macro_rules! file_format {
    ($($(#[$meta:meta])* $vis:vis $name:ident = $format:literal;)+) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        $vis struct $name;

        impl $crate::types::FileFormat for $name {
            const FORMAT: &'static str = $format;
        }
    )+};
}

crate::file_format! {
    /// Any format: the blob type names none (a plain `FlyteFile`).
    pub AnyFormat = "";
    /// `csv`, flytekit's `CSVFile`.
    pub Csv = "csv";
    /// `json`, flytekit's `JSONFile`.
    pub Json = "json";
    /// `parquet`.
    pub Parquet = "parquet";
    /// `html`, flytekit's `HTMLPage`.
    pub Html = "html";
    /// `pdf`, flytekit's `PDFFile`.
    pub Pdf = "pdf";
    /// `png`, flytekit's `PNGImageFile`.
    pub Png = "png";
    /// `jpeg`, flytekit's `JPEGImageFile`.
    pub Jpeg = "jpeg";
    /// `svg`, flytekit's `SVGImageFile`.
    pub Svg = "svg";
    /// `hdf5`, flytekit's `HDF5EncodedFile`.
    pub Hdf5 = "hdf5";
    /// `onnx`, flytekit's `ONNXFile`.
    pub Onnx = "onnx";
}
