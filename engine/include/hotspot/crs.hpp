#pragma once
// Coordinate transformation through PROJ, always in traditional GIS axis order
// (longitude/easting first), whatever the CRS definition says.

#include <memory>
#include <string>

#include "hotspot/options.hpp"

namespace hotspot {

struct TransformReport {
    std::string source;           // as given, e.g. "EPSG:4326"
    std::string target;           // e.g. "EPSG:27700"
    std::string operation;        // name of the operation PROJ used for a representative point
    bool usesGrid = false;        // true when a grid (e.g. OSTN15) was used, false for Helmert-only
    double accuracyMetres = -1;   // PROJ's stated accuracy, -1 if unknown
    std::string summary() const;  // one line for logs and run metadata
};

class CoordinateTransformer {
public:
    // Throws Error(Usage) naming the CRS when it is unknown to PROJ.
    CoordinateTransformer(const std::string& sourceCrs, const std::string& targetCrs);
    ~CoordinateTransformer();
    CoordinateTransformer(const CoordinateTransformer&) = delete;
    CoordinateTransformer& operator=(const CoordinateTransformer&) = delete;

    // Transforms n points in place on all worker threads. Points that cannot be transformed
    // become NaN. Returns the number of such failures.
    size_t transform(double* x, double* y, size_t n) const;
    // Transforms n points on the calling thread with the PROJ context of `worker` (an index from
    // parallelFor). Points repeated in the block are transformed once (police.uk locations are
    // snap points shared by many crimes). Returns the number of failures (set to NaN).
    size_t transformOnWorker(double* x, double* y, size_t n, unsigned worker) const;
    // One point, on the calling thread.
    bool transformPoint(double& x, double& y) const;
    bool isIdentity() const;

    // Which operation runs for the point (x, y) given in source coordinates.
    TransformReport report(double x, double y) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// True when PROJ knows the CRS (EPSG:xxxx, WKT, PROJ string).
bool isKnownCrs(const std::string& crs);
// Short human-readable name ("OSGB36 / British National Grid").
std::string crsName(const std::string& crs);

// The horizontal axes of a CRS: what its coordinates are measured in.
struct CrsUnits {
    bool known = false;       // PROJ could build the CRS
    bool geographic = false;  // angular axes (degrees)
    std::string unitName;     // "metre", "degree", "US survey foot"
    double toMetres = 0;      // linear unit in metres (0 when angular or unknown)
};
CrsUnits crsUnits(const std::string& crs);

// Where a CRS may be used, in degrees (PROJ's area of use); false when PROJ does not say.
struct LonLatBox {
    double west = 0, south = 0, east = 0, north = 0;
    bool contains(double lon, double lat) const { return lon >= west && lon <= east && lat >= south && lat <= north; }
};
bool crsAreaOfUse(const std::string& crs, LonLatBox& box);

// Throws Error(Usage) unless `crs` is known to PROJ and projected with a metre-like linear unit
// (metres, or a unit with a fixed conversion to metres, e.g. US survey feet): cell sizes,
// bandwidths and distances are given in metres. A geographic CRS (degrees) is refused by name.
void requireMetricCrs(const std::string& crs, std::string_view key, const OptionNaming& naming);

}  // namespace hotspot
