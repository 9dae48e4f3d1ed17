#pragma once
// Writers for results. Every file is first written into a staging folder beside the target
// and renamed into place only when complete, so a failed or killed run never leaves a
// half-written file where a good one was.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class GDALDataset;
class OGRLayer;
class OGRFeature;

namespace hotspot {

// Throws Error(Output) for a write, flush or close that failed. When the device is full (errno
// ENOSPC, EDQUOT or EFBIG, or almost no space left on the file system holding `path`), the message
// says so first: "the disk is full ...". `errnum` 0: unknown (GDAL and libtiff report no errno).
[[noreturn]] void throwWriteFailure(const std::string& path, const std::string& detail, int errnum = 0);
// The one rule for "the disk is full" after a write to `path` failed with `errnum` (0: unknown):
// errnum itself when it is ENOSPC, EDQUOT or EFBIG, else ENOSPC when almost nothing is left on
// the file system holding `path`; 0 when the disk is not full.
int diskFullErrno(const std::string& path, int errnum);

// A run's outputs are written into a hidden staging folder inside the output folder and moved into
// place together by commit(). The set is committed as one step: commit() first writes a manifest
// of the files into the staging folder (renamed into place atomically), then renames the files.
// A run killed between two renames leaves the manifest behind, and whoever touches the folder next
// (the next run, or a command reading its files: finishInterruptedCommits) replays the remaining
// renames, so a folder never stays with half of one run beside half of another.
// One run at a time per folder: the constructor takes an exclusive lock (flock on
// <outDir>/.hotspot.lock, released when the process ends however it ends).
class OutputStaging {
public:
    // Creates outDir if needed, locks it, finishes or removes what dead runs left, and makes a
    // hidden staging folder inside it. Throws Error(Output), also when another run holds the lock.
    explicit OutputStaging(const std::string& outDir);
    ~OutputStaging();  // removes the staging folder if commit() was not reached; unlocks
    OutputStaging(const OutputStaging&) = delete;
    OutputStaging& operator=(const OutputStaging&) = delete;

    // Records the file for commit(). Throws Error(Usage) when the file would replace an input of
    // this run (registerInputFile), before anything is written.
    std::string stagedPath(const std::string& fileName);
    // Moves every staged file into outDir as one commit; returns the final paths.
    std::vector<std::string> commit();

    // Test seam: called after each rename of a commit with the number of files moved so far (a
    // test kills the process there to check the replay).
    static void setCommitStepHookForTests(void (*hook)(size_t moved));

private:
    std::string m_outDir, m_staging;
    std::vector<std::string> m_files;
    bool m_committed = false;
    int m_lockFd = -1;
};

// Replays the commits that dead runs left half done in `folder` and removes their other staging
// folders. Returns the number of commits completed. Never throws (a reader may lack write access).
int finishInterruptedCommits(const std::string& folder);

// Throws Error(Input) naming the path unless it is a file (or, with folderOk, a folder) that can be
// read without blocking: "no such file", "symbolic link loop", "a FIFO (named pipe) ..." (opening
// a FIFO would wait for a writer forever). GDAL pseudo-paths (/vsi..., PG:) pass unchecked.
void checkInputPath(const std::string& path, bool folderOk = false);

// A file this process reads as input; outputs may not replace it (compared as the same file on
// disk, so links and relative paths cannot slip past).
void registerInputFile(const std::string& path);

struct IngestResult;
// rejects.csv: every row the reader turned away (incidents and outcomes), with file, line,
// field, reason and the raw record, in the one layout geocode and report share.
void writeIngestRejects(const std::string& path, IngestResult& in);

// A CSV file with RFC 4180 quoting where needed.
class CsvWriter {
public:
    explicit CsvWriter(const std::string& path);
    ~CsvWriter();
    CsvWriter(const CsvWriter&) = delete;
    CsvWriter& operator=(const CsvWriter&) = delete;
    void row(const std::vector<std::string>& fields);
    CsvWriter& field(std::string_view value);  // streaming form: field()...endRow()
    CsvWriter& field(double value, int precision = 3);
    CsvWriter& field(int64_t value);
    void endRow();
    void close();  // flushes; throws Error(Output) on a write failure (full disk)

private:
    std::string m_path;
    std::string m_buffer;
    int m_fd = -1;
    bool m_rowStarted = false;
    void flushIfBig();
};

enum class FieldType { String,
                       Integer,
                       Integer64,
                       Real,
                       Date };
struct FieldSpec {
    std::string name;
    FieldType type = FieldType::String;
};
enum class GeometryKind { None,
                          Point,
                          LineString,
                          Polygon };

// Where a GeoPackage's rows are inserted: on a thread of the writer's own, while the caller builds
// the next rows (the default: writing takes about half the time), or on the caller's thread, for
// a command whose other core is busy already (geocode writes its CSVs meanwhile).
enum class RowInsertion { OwnThread,
                          CallerThread };

// A vector dataset (GeoPackage by default) written feature by feature inside transactions.
class VectorWriter {
public:
    VectorWriter(const std::string& path, const std::string& driver = "GPKG", RowInsertion insertion = RowInsertion::OwnThread);
    ~VectorWriter();
    VectorWriter(const VectorWriter&) = delete;
    VectorWriter& operator=(const VectorWriter&) = delete;

    void createLayer(const std::string& name, GeometryKind geometry, const std::string& crs, const std::vector<FieldSpec>& fields,
                     const std::string& description = {});
    void setString(int field, std::string_view value);
    // As setString, without a copy: a GeoPackage binds the bytes by reference, so they must stay
    // valid until the layer is finished (the next createLayer or close): text held by a table the
    // caller keeps, not a temporary.
    void setStringView(int field, std::string_view value);
    void setStringView(int field, const char* value) { setStringView(field, std::string_view(value)); }
    void setStringView(int field, const std::string&&) = delete;  // a temporary is gone before its row is inserted
    void setInteger(int field, int64_t value);
    void setReal(int field, double value);
    void setNull(int field);
    // Every field from its text, converted to the field's declared type; empty text is NULL.
    void setFromText(const std::vector<std::string>& values, const std::vector<FieldSpec>& fields);
    void setPoint(double x, double y);
    void setWkb(const std::vector<unsigned char>& wkb);
    // How many rows the layer just created will get, when known: a GeoPackage's index boxes are
    // then allocated once (a million rows: 24 MB, where growing by doubling passes through 37 MB).
    void expectRows(size_t rows);
    void writeFeature();  // commits every 50,000 features
    void close();         // finishes the last transaction and closes; throws Error(Output)

private:
    void finishLayer();
    std::string m_path;
    GDALDataset* m_ds = nullptr;
    OGRLayer* m_layer = nullptr;
    OGRFeature* m_feature = nullptr;
    int64_t m_pending = 0;
    bool m_inTransaction = false;
    bool m_geoPackage = false;
    // GeoPackages: GDAL creates the container and each layer's tables; rows go in through one
    // prepared INSERT on SQLite directly (GDAL's per-feature path was most of a command's time).
    struct GeoPackageRows;
    std::unique_ptr<GeoPackageRows> m_rows;
};

// A geometry-less "run_info" layer of key/value rows: the parameters and provenance of a run.
void writeRunInfo(VectorWriter& gpkg, const std::vector<std::pair<std::string, std::string>>& info);

struct Grid;

// Writes a whole text file (Markdown, JSON); throws Error(Output) on failure.
void writeTextFile(const std::string& path, const std::string& content);

// A north-up GeoTIFF of a square grid: tiled, DEFLATE-compressed, with overviews, the CRS, a
// nodata value (NaN cells are written as nodata) and metadata items (parameters of the run).
enum class RasterType { Float32,
                        Float64,
                        Int16 };
void writeGeoTiff(const std::string& path, const Grid& grid, const std::vector<double>& values, const std::string& crs,
                  RasterType type, double nodata, const std::vector<std::pair<std::string, std::string>>& metadata,
                  const std::string& description);

}  // namespace hotspot
