#pragma once
// Writers for results. Every file is first written into a staging folder beside the target
// and renamed into place only when complete, so a failed or killed run never leaves a
// half-written file where a good one was.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class GDALDataset;
class OGRLayer;
class OGRFeature;

namespace hotspot {

// Throws Error(Output) for a write, flush or close that failed. When the device is full (errno
// ENOSPC, EDQUOT or EFBIG, or almost no space left on the file system holding `path`), the message
// says so first: "the disk is full ...". `errnum` 0: unknown (GDAL and libtiff report no errno).
[[noreturn]] void throwWriteFailure(const std::string& path, const std::string& detail, int errnum = 0);

class OutputStaging {
public:
    // Creates outDir if needed and a hidden staging folder inside it. Throws Error(Output).
    explicit OutputStaging(const std::string& outDir);
    ~OutputStaging();  // removes the staging folder if commit() was not reached
    OutputStaging(const OutputStaging&) = delete;
    OutputStaging& operator=(const OutputStaging&) = delete;

    std::string stagedPath(const std::string& fileName);  // records the file for commit()
    // Renames every staged file into outDir (each rename is atomic); returns the final paths.
    std::vector<std::string> commit();

private:
    std::string m_outDir, m_staging;
    std::vector<std::string> m_files;
    bool m_committed = false;
};

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

enum class FieldType { String, Integer, Integer64, Real, Date };
struct FieldSpec {
    std::string name;
    FieldType type = FieldType::String;
};
enum class GeometryKind { None, Point, LineString, Polygon };

// A vector dataset (GeoPackage by default) written feature by feature inside transactions.
class VectorWriter {
public:
    VectorWriter(const std::string& path, const std::string& driver = "GPKG");
    ~VectorWriter();
    VectorWriter(const VectorWriter&) = delete;
    VectorWriter& operator=(const VectorWriter&) = delete;

    void createLayer(const std::string& name, GeometryKind geometry, const std::string& crs, const std::vector<FieldSpec>& fields,
                     const std::string& description = {});
    void setString(int field, const std::string& value);
    void setInteger(int field, int64_t value);
    void setReal(int field, double value);
    void setNull(int field);
    // Every field from its text, converted to the field's declared type; empty text is NULL.
    void setFromText(const std::vector<std::string>& values, const std::vector<FieldSpec>& fields);
    void setPoint(double x, double y);
    void setWkb(const std::vector<unsigned char>& wkb);
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
};

// A geometry-less "run_info" layer of key/value rows: the parameters and provenance of a run.
void writeRunInfo(VectorWriter& gpkg, const std::vector<std::pair<std::string, std::string>>& info);

struct Grid;

// Writes a whole text file (Markdown, JSON); throws Error(Output) on failure.
void writeTextFile(const std::string& path, const std::string& content);

// A north-up GeoTIFF of a square grid: tiled, DEFLATE-compressed, with overviews, the CRS, a
// nodata value (NaN cells are written as nodata) and metadata items (parameters of the run).
enum class RasterType { Float32, Float64, Int16 };
void writeGeoTiff(const std::string& path, const Grid& grid, const std::vector<double>& values, const std::string& crs,
                  RasterType type, double nodata, const std::vector<std::pair<std::string, std::string>>& metadata,
                  const std::string& description);

}  // namespace hotspot
