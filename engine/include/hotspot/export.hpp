#pragma once
// `hotspot export`: result layers and rasters to the formats other GIS read, with QGIS styles, and
// to a shared PostGIS database (see docs/cli/export.md and docs/postgis.md).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hotspot/run_report.hpp"

namespace hotspot {

class Progress;

enum class ExportFormat { Shapefile,
                          GeoPackage,
                          GeoJson,
                          FlatGeobuf,
                          Csv,
                          Kml,
                          GeoTiff,
                          PostGis,
                          All };
ExportFormat parseExportFormat(const std::string& name);  // throws Error(Usage)
const char* toString(ExportFormat format);

struct ExportOptions {
    std::string source;               // a results GeoPackage, or a GeoTIFF
    std::vector<std::string> layers;  // empty: every layer of the source
    ExportFormat format = ExportFormat::GeoPackage;
    // Folder (shp, geojson, fgb, csv: one file per layer), file (gpkg, kml, tif), or for PostGIS a
    // "PG:" string or "service=NAME"; empty for PostGIS means the standard PG* environment variables.
    std::string destination;
    std::string crs;         // output CRS; default the source's (GeoJSON and KML: EPSG:4326)
    bool overwrite = false;  // with append: replace layers of the same name
    bool styles = true;
    // GeoPackage: add the layers to the destination, beside its layers (created when missing).
    bool append = false;
    // GeoPackage: the names of the exported layers in the destination, one per layer in order.
    std::vector<std::string> layerNames;
    std::string runId;                                 // PostGIS: rows of this run replace the same run's rows only
    std::string schema = "hotspot";                    // PostGIS schema
    std::map<std::string, std::string> runParameters;  // recorded in <schema>.runs
    // Format All: every file format into the destination folder, and PostGIS too when this is set
    // ("PG:...", "service=NAME", or "env" for the PG* environment variables).
    std::string postgis;
    // A test seam, never set by the CLI: called after each row written to PostGIS with the number
    // written so far. An exception from it aborts the run like a failed insert (the tests of
    // interrupted runs use it to fail, or to pause while they stop the server).
    std::function<void(int64_t rowsWritten)> afterFeatureWritten;
};

RunReport runExport(const ExportOptions& options, Progress& progress);

// Shapefile field names: at most 10 characters, unique, stable (first come, first kept; a
// collision gets a numbered suffix: "incident_i", "incident_1" ...). Key: original name.
std::map<std::string, std::string> shapefileFieldNames(const std::vector<std::string>& names);

// QGIS styles for the engine's known layers, in a GeoPackage's layer_styles table. Returns the
// number of layers styled. Also used by the commands that write result GeoPackages.
int writeGeoPackageStyles(const std::string& gpkgPath);
// The same, with styles made from this run's data (e.g. class breaks) for some layers.
int writeGeoPackageStyles(const std::string& gpkgPath, const std::map<std::string, std::string>& qmlByLayer);
// A graduated line style of `field` with upper class bounds `breaks` (ascending), YlOrRd.
std::string qmlGraduatedLines(const std::string& field, const std::vector<double>& breaks, const std::string& unit);
// The QML of a known layer ("" when the engine has no style for it); rasters by file name.
std::string qmlForLayer(const std::string& layerName, const std::string& geometryType);
// Rasters by file name: Gi* bins paletted, z and change on a fixed diverging scale, and densities,
// counts and rates in the classes of their own values (surfaceClassBreaks: what the viewer draws),
// "" when no value is positive.
std::string qmlForRaster(const std::string& fileName, const std::vector<double>& values = {}, const std::string& unit = "");
// A surface's QML from its values alone (the data-driven case of qmlForRaster).
std::string qmlForSurface(const std::vector<double>& values, const std::string& unit);

}  // namespace hotspot
