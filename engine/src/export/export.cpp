#include "hotspot/export.hpp"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>

#include <cpl_string.h>
#include <fmt/format.h>
#include <gdal_utils.h>
#include <gdalwarper.h>

#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/strings.hpp"
#include "hotspot/version.hpp"
#include "io/gdal_util.hpp"
#include "io/output_files.hpp"
#include "core/sql_quoting.hpp"
#include "io/gpkg_rtree.hpp"

namespace fs = std::filesystem;

namespace hotspot {

ExportFormat parseExportFormat(const std::string& name) {
    const std::string n = toLowerAscii(name);
    if (n == "shp" || n == "shapefile" || n == "esri shapefile") return ExportFormat::Shapefile;
    if (n == "gpkg" || n == "geopackage") return ExportFormat::GeoPackage;
    if (n == "geojson" || n == "json") return ExportFormat::GeoJson;
    if (n == "fgb" || n == "flatgeobuf") return ExportFormat::FlatGeobuf;
    if (n == "csv") return ExportFormat::Csv;
    if (n == "kml") return ExportFormat::Kml;
    if (n == "gtiff" || n == "geotiff" || n == "tif") return ExportFormat::GeoTiff;
    if (n == "postgis" || n == "pg") return ExportFormat::PostGis;
    if (n == "all") return ExportFormat::All;
    throwUsage("unknown format '" + name + "' (shp, gpkg, geojson, fgb, csv, kml, gtiff, postgis, all)", {"", 0, "format"});
}

const char* toString(ExportFormat f) {
    switch (f) {
        case ExportFormat::Shapefile: return "ESRI Shapefile";
        case ExportFormat::GeoPackage: return "GPKG";
        case ExportFormat::GeoJson: return "GeoJSON";
        case ExportFormat::FlatGeobuf: return "FlatGeobuf";
        case ExportFormat::Csv: return "CSV";
        case ExportFormat::Kml: return "KML";
        case ExportFormat::GeoTiff: return "GTiff";
        case ExportFormat::PostGis: return "PostgreSQL";
        case ExportFormat::All: return "all";
    }
    return "?";
}

std::map<std::string, std::string> shapefileFieldNames(const std::vector<std::string>& names) {
    std::map<std::string, std::string> out;
    std::set<std::string> used;  // case-insensitive: dBase field names are
    for (const auto& name : names) {
        std::string base = name.substr(0, 10);
        std::string candidate = base;
        for (int k = 1; used.count(toLowerAscii(candidate)); ++k) {
            const std::string suffix = "_" + std::to_string(k);
            candidate = name.substr(0, 10 - suffix.size()) + suffix;
        }
        used.insert(toLowerAscii(candidate));
        out[name] = candidate;
    }
    return out;
}

namespace {

// The unit the engine wrote into a raster's metadata ("incidents per km2"), for legend labels.
std::string unitsOf(GDALDataset& ds) {
    const char* units = ds.GetMetadataItem("HOTSPOT_UNITS");
    return units ? units : "";
}

}  // namespace

namespace {

void refuseOverwrite(const std::string& path, bool overwrite) {
    std::error_code ec;
    if (fs::exists(path, ec) && !overwrite) throwOutput("already exists; add `overwrite` to replace it", {path});
}

// Temporary files of exports killed before their rename (".tmp-PID-N-name" whose process is gone)
// are removed by the next export into the same folder, as staging folders are.
void removeDeadExportTemporaries(const fs::path& folder) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder.empty() ? fs::path(".") : folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind(".tmp-", 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + 5, nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(entry.path(), ec);
    }
}

std::string tempBeside(const std::string& path) {
    std::random_device rd;
    const fs::path p(path);
    removeDeadExportTemporaries(p.parent_path());
    return (p.parent_path() / (".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000) + "-" + p.filename().string())).string();
}

// Runs GDALVectorTranslate (the library form of ogr2ogr) with the given arguments.
void vectorTranslate(const std::string& dst, GDALDataset* src, const std::vector<std::string>& args, bool appendToExisting) {
    CPLStringList list;
    for (const auto& a : args) list.AddString(a.c_str());
    GDALVectorTranslateOptions* options = GDALVectorTranslateOptionsNew(list.List(), nullptr);
    if (!options) throw Error(ErrorKind::Internal, "bad export options: " + lastGdalError());
    int usageError = 0;
    GDALDatasetH srcH = GDALDataset::ToHandle(src);
    GDALDatasetH existing = nullptr;
    if (appendToExisting) existing = GDALOpenEx(dst.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr);
    GDALDatasetH out = GDALVectorTranslate(existing ? nullptr : dst.c_str(), existing, 1, &srcH, options, &usageError);
    GDALVectorTranslateOptionsFree(options);
    if (!out) throwWriteFailure(dst, "export failed: " + lastGdalError());
    const GdalFailureWatch watch(dst);
    GDALClose(out);
    if (watch.failed()) throwWriteFailure(dst, "export failed while closing: " + watch.message(), watch.diskErrno());
}

// Reads back what a driver wrote and counts the features of a layer. GDAL 3.6's GeoJSON and KML
// writers do not check their writes, so a full disk leaves a truncated file and no error: only
// reading it back tells. `layerName` empty: the file's only layer.
void verifyWrittenLayer(const std::string& path, const std::string& layerName, int64_t expected) {
    const GdalFailureWatch watch;
    DatasetPtr ds(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!ds) throwWriteFailure(path, "the written file cannot be read back: " + lastGdalError());
    OGRLayer* layer = layerName.empty() ? ds->GetLayer(0) : ds->GetLayerByName(layerName.c_str());
    if (!layer) throwWriteFailure(path, "the written file has no layer '" + layerName + "'");
    int64_t count = 0;
    layer->ResetReading();
    while (FeaturePtr f{layer->GetNextFeature()}) ++count;
    if (watch.failed() || count != expected)
        throwWriteFailure(path, fmt::format("the written file holds {} of the {} features of '{}'{}", count, expected, layer->GetName(),
                                            watch.failed() ? ": " + watch.message() : std::string()));
}

std::string extensionFor(ExportFormat f) {
    switch (f) {
        case ExportFormat::Shapefile: return ".shp";
        case ExportFormat::GeoJson: return ".geojson";
        case ExportFormat::FlatGeobuf: return ".fgb";
        case ExportFormat::Csv: return ".csv";
        default: return "";
    }
}

RunReport exportRaster(const ExportOptions& o) {
    RunReport report;
    ensureGdalRegistered();
    refuseOverwrite(o.destination, o.overwrite);
    DatasetPtr src(static_cast<GDALDataset*>(GDALOpenEx(o.source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
    if (!src) throwInput("cannot open as a raster: " + lastGdalError(), {o.source});
    // The destination's folder is made as for vector exports (--to out/maps/density.tif).
    if (const fs::path parent = fs::path(o.destination).parent_path(); !parent.empty()) {
        std::error_code ec;
        fs::create_directories(parent, ec);
        if (ec) throwOutput("cannot create the folder " + parent.string() + ": " + ec.message(), {o.destination});
    }
    const std::string tmp = tempBeside(o.destination);
    CPLStringList args;
    for (const char* a : {"-of", "GTiff", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "BIGTIFF=IF_SAFER"}) args.AddString(a);
    GDALDatasetH srcH = GDALDataset::ToHandle(src.get());
    GDALDatasetH out = nullptr;
    int usageError = 0;
    if (!o.crs.empty()) {
        for (const char* a : {"-t_srs", o.crs.c_str(), "-r", "bilinear"}) args.AddString(a);
        GDALWarpAppOptions* w = GDALWarpAppOptionsNew(args.List(), nullptr);
        out = GDALWarp(tmp.c_str(), nullptr, 1, &srcH, w, &usageError);
        GDALWarpAppOptionsFree(w);
    } else {
        GDALTranslateOptions* t = GDALTranslateOptionsNew(args.List(), nullptr);
        out = GDALTranslate(tmp.c_str(), srcH, t, &usageError);
        GDALTranslateOptionsFree(t);
    }
    if (!out) throwWriteFailure(o.destination, "raster export failed: " + lastGdalError());
    const GdalFailureWatch watch(tmp);  // blocks are written at close
    GDALDataset* ds = GDALDataset::FromHandle(out);
    if (ds->GetRasterXSize() >= 256 || ds->GetRasterYSize() >= 256) {
        int levels[] = {2, 4, 8, 16};
        const bool categorical = o.source.find("bin") != std::string::npos;
        ds->BuildOverviews(categorical ? "NEAREST" : "AVERAGE", 4, levels, 0, nullptr, nullptr, nullptr);
    }
    GDALClose(out);
    if (watch.failed()) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throwWriteFailure(o.destination, "raster export failed: " + watch.message(), watch.diskErrno());
    }
    if (::rename(tmp.c_str(), o.destination.c_str()) != 0) throwOutput("cannot move the export into place", {o.destination});
    report.outputs.push_back(o.destination);
    if (o.styles) {
        const std::string qml = fs::path(o.destination).replace_extension(".qml").string();
        // The classes come from the values exported (band 1, nodata left out).
        std::vector<double> values;
        GDALRasterBand* band = src->GetRasterBand(1);
        int hasNoData = 0;
        const double noData = band->GetNoDataValue(&hasNoData);
        values.resize(static_cast<size_t>(band->GetXSize()) * static_cast<size_t>(band->GetYSize()));
        if (band->RasterIO(GF_Read, 0, 0, band->GetXSize(), band->GetYSize(), values.data(), band->GetXSize(), band->GetYSize(), GDT_Float64, 0, 0) != CE_None)
            throwInput("cannot read the raster's values: " + lastGdalError(), {o.source});
        if (hasNoData)
            for (double& v : values)
                if (v == noData) v = NAN;
        const std::string style = qmlForRaster(fs::path(o.source).filename().string(), values, unitsOf(*src));
        if (!style.empty()) {
            writeTextFile(qml, style);
            report.outputs.push_back(qml);
        }
    }
    return report;
}

}  // namespace

RunReport runPostGisExport(const ExportOptions& o, Progress& progress);  // postgis_export.cpp

namespace {

// Shapefile: dBase field names have at most 10 characters. A documented, collision-free mapping,
// also written to <layer>.fieldnames.csv, applied through an SQL projection of the layer.
void addShapefileArgs(OGRLayer* l, OutputStaging& staging, std::vector<std::string>& args) {
    const std::string name = l->GetName();
    const bool spatial = l->GetGeomType() != wkbNone;
    OGRFeatureDefn* defn = l->GetLayerDefn();
    std::vector<std::string> names;
    for (int i = 0; i < defn->GetFieldCount(); ++i) names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
    auto mapping = shapefileFieldNames(names);
    std::string select = "SELECT ";
    std::string geom = l->GetGeometryColumn();
    if (spatial) select += sqlIdentifier(geom.empty() ? "geom" : geom);
    for (const auto& n : names) select += std::string(select.size() > 7 ? ", " : "") + sqlIdentifier(n) + " AS " + sqlIdentifier(mapping[n]);
    select += " FROM " + sqlIdentifier(name);
    args.insert(args.end(), {"-sql", select, "-dialect", "SQLITE", "-lco", "ENCODING=UTF-8"});
    if (spatial && wkbFlatten(l->GetGeomType()) == wkbPoint) args.insert(args.end(), {"-nlt", "POINT"});
    if (spatial && (wkbFlatten(l->GetGeomType()) == wkbMultiPolygon || wkbFlatten(l->GetGeomType()) == wkbPolygon))
        args.insert(args.end(), {"-nlt", "MULTIPOLYGON"});
    CsvWriter map(staging.stagedPath(name + ".fieldnames.csv"));
    map.row({"shapefile_field", "original_field"});
    for (const auto& n : names) map.row({mapping[n], n});
    map.close();
}

// One command, every format: <to>/<stem>.gpkg (styled), shp/, geojson/, fgb/, csv/, <stem>.kml, and PostGIS.
RunReport exportEveryFormat(const ExportOptions& o, Progress& progress) {
    if (o.destination.empty()) throwUsage("give the destination folder with `to`", {"", 0, "to"});
    RunReport all;
    const std::string stem = fs::path(o.source).stem().string();
    const std::pair<ExportFormat, std::string> targets[] = {
        {ExportFormat::GeoPackage, (fs::path(o.destination) / (stem + ".gpkg")).string()},
        {ExportFormat::Shapefile, (fs::path(o.destination) / "shp").string()},
        {ExportFormat::GeoJson, (fs::path(o.destination) / "geojson").string()},
        {ExportFormat::FlatGeobuf, (fs::path(o.destination) / "fgb").string()},
        {ExportFormat::Csv, (fs::path(o.destination) / "csv").string()},
        {ExportFormat::Kml, (fs::path(o.destination) / (stem + ".kml")).string()}};
    std::error_code ec;
    fs::create_directories(o.destination, ec);
    for (const auto& [format, to] : targets) {
        ExportOptions one = o;
        one.format = format;
        one.destination = to;
        one.crs = format == ExportFormat::GeoJson || format == ExportFormat::Kml ? std::string() : o.crs;
        RunReport r = runExport(one, progress);
        all.lines.insert(all.lines.end(), r.lines.begin(), r.lines.end());
        all.outputs.insert(all.outputs.end(), r.outputs.begin(), r.outputs.end());
    }
    if (!o.postgis.empty()) {
        ExportOptions pg = o;
        pg.format = ExportFormat::PostGis;
        pg.destination = o.postgis == "env" ? std::string() : o.postgis;
        RunReport r = runPostGisExport(pg, progress);
        all.lines.insert(all.lines.end(), r.lines.begin(), r.lines.end());
    }
    return all;
}

// Shapefile, GeoJSON, FlatGeobuf, CSV: one file (set) per layer in the destination folder.
RunReport exportPerLayerFiles(const ExportOptions& o, GDALDataset* src, const std::vector<OGRLayer*>& layers, const std::string& crs) {
    RunReport report;
    std::error_code ec;
    fs::create_directories(o.destination, ec);
    if (ec) throwOutput("cannot create the folder: " + ec.message(), {o.destination});
    // Every target must be free (or --overwrite) before anything is written.
    for (OGRLayer* l : layers) refuseOverwrite((fs::path(o.destination) / (std::string(l->GetName()) + extensionFor(o.format))).string(), o.overwrite);
    OutputStaging staging(o.destination);
    for (OGRLayer* l : layers) {
        const std::string name = l->GetName();
        const bool spatial = l->GetGeomType() != wkbNone;
        if (!spatial && (o.format == ExportFormat::FlatGeobuf)) {
            report.lines.push_back("skipped table '" + name + "': FlatGeobuf holds only layers with geometry (use csv or gpkg)");
            continue;
        }
        std::vector<std::string> args = {"-f", toString(o.format), "-nln", name};
        if (!crs.empty() && spatial) args.insert(args.end(), {"-t_srs", crs});
        std::vector<std::string> extraFiles;
        if (o.format == ExportFormat::Shapefile) {
            addShapefileArgs(l, staging, args);
        } else if (o.format == ExportFormat::GeoJson) {
            args.insert(args.end(), {"-lco", "RFC7946=YES", "-lco", "WRITE_NAME=NO"});
            args.push_back(name);
        } else if (o.format == ExportFormat::FlatGeobuf) {
            args.insert(args.end(), {"-lco", "SPATIAL_INDEX=YES"});
            args.push_back(name);
        } else if (o.format == ExportFormat::Csv) {
            if (spatial) args.insert(args.end(), {"-lco", wkbFlatten(l->GetGeomType()) == wkbPoint ? "GEOMETRY=AS_XY" : "GEOMETRY=AS_WKT"});
            args.push_back(name);
        }
        // Write into the staging folder, then move every file of the layer into place.
        const std::string staged = staging.stagedPath(name + extensionFor(o.format));
        if (o.format == ExportFormat::Shapefile)
            for (const char* ext : {".shx", ".dbf", ".prj", ".cpg"}) staging.stagedPath(name + ext);
        vectorTranslate(staged, src, args, false);
        // A table without geometry becomes a lone .dbf in a Shapefile export.
        const bool loneDbf = o.format == ExportFormat::Shapefile && !spatial;
        verifyWrittenLayer(loneDbf ? fs::path(staged).replace_extension(".dbf").string() : staged, "", l->GetFeatureCount(TRUE));
        if (o.styles && o.format == ExportFormat::Shapefile && spatial) {
            std::string qml = qmlForLayer(name, "");
            if (!qml.empty()) writeTextFile(staging.stagedPath(name + ".qml"), qml);
        }
    }
    report.outputs = staging.commit();
    return report;
}

// The QGIS style a layer carries in its source GeoPackage (data-driven classes included), else
// the engine's default for its name.
std::string styleOfSourceLayer(GDALDataset* src, const std::string& name) {
    if (src->GetLayerByName("layer_styles")) {
        OGRLayer* rows = src->ExecuteSQL(("SELECT styleQML FROM layer_styles WHERE f_table_name = " + sqlLiteral(name)).c_str(), nullptr, nullptr);
        std::string qml;
        if (rows) {
            if (FeaturePtr f{rows->GetNextFeature()}) qml = f->GetFieldAsString(0);
            src->ReleaseResultSet(rows);
        }
        if (!qml.empty()) return qml;
    }
    return qmlForLayer(name, "");
}

// --append / --layer-name: layers go into a GeoPackage under the names asked for, beside what it
// holds already (burglary and ASB hot spots, areas and sites in one file for a colleague). The
// file is copied to a temporary, written, styled and renamed into place, so a failure leaves it as
// it was. The source's run_info goes along as run_info_<first layer name>, so each set of layers
// keeps its period, groups and method.
RunReport exportIntoGeoPackage(const ExportOptions& o, GDALDataset* src, const std::vector<OGRLayer*>& layers, const std::string& crs) {
    RunReport report;
    if (o.format != ExportFormat::GeoPackage) throwUsage("`append` and `layer_name` are for GeoPackage exports (-f gpkg)", {"", 0, "format"});
    std::vector<OGRLayer*> chosen;
    for (OGRLayer* l : layers)
        if (std::string(l->GetName()) != "run_info") chosen.push_back(l);
    if (!o.layerNames.empty() && o.layerNames.size() != chosen.size())
        throwUsage(fmt::format("{} layer name(s) for {} layer(s): give one `layer_name` per exported layer, in the order of `layer`", o.layerNames.size(), chosen.size()),
                   {"", 0, "layer_name"});
    std::vector<std::pair<OGRLayer*, std::string>> plan;  // source layer, name in the destination
    for (size_t i = 0; i < chosen.size(); ++i) plan.emplace_back(chosen[i], o.layerNames.empty() ? chosen[i]->GetName() : o.layerNames[i]);
    if (OGRLayer* info = src->GetLayerByName("run_info"); info && !plan.empty()) plan.emplace_back(info, "run_info_" + plan.front().second);

    std::error_code ec;
    const bool exists = fs::exists(o.destination, ec);
    if (exists && fs::equivalent(o.destination, o.source, ec)) throwUsage("the destination " + o.destination + " is the source file; export to another file", {"", 0, "to"});
    if (exists && !o.append) refuseOverwrite(o.destination, o.overwrite);
    std::set<std::string> present;
    if (exists && o.append) {
        DatasetPtr dst = openVector(o.destination);
        for (int i = 0; i < dst->GetLayerCount(); ++i) present.insert(dst->GetLayer(i)->GetName());
        for (const auto& [layer, name] : plan)
            if (present.count(name) && !o.overwrite)
                throwUsage("the GeoPackage already has a layer '" + name + "': give another `layer_name`, or `overwrite` to replace it", {o.destination, 0, "layer_name"});
    }
    if (const fs::path parent = fs::path(o.destination).parent_path(); !parent.empty()) fs::create_directories(parent, ec);
    const std::string tmp = tempBeside(o.destination);
    std::map<std::string, std::string> styles;
    try {
        if (exists && o.append) fs::copy_file(o.destination, tmp, fs::copy_options::overwrite_existing);
        bool first = !(exists && o.append);
        for (const auto& [layer, name] : plan) {
            std::vector<std::string> args = {"-f", "GPKG", "-nln", name, "-lco", "SPATIAL_INDEX=NO"};
            if (!crs.empty()) args.insert(args.end(), {"-t_srs", crs});
            if (present.count(name)) args.push_back("-overwrite");  // --overwrite of one layer
            args.push_back(layer->GetName());
            vectorTranslate(tmp, src, args, !first);
            first = false;
            if (layer->GetGeomType() != wkbNone) styles[name] = styleOfSourceLayer(src, layer->GetName());
        }
        addGeoPackageSpatialIndexes(tmp);
        for (const auto& [layer, name] : plan) verifyWrittenLayer(tmp, name, layer->GetFeatureCount(TRUE));
        if (o.styles) {
            std::map<std::string, std::string> own;
            for (const auto& [name, qml] : styles)
                if (!qml.empty()) own[name] = qml;
            writeGeoPackageStyles(tmp, own);
        }
    } catch (...) {
        fs::remove(tmp, ec);
        throw;
    }
    if (::rename(tmp.c_str(), o.destination.c_str()) != 0) throwOutput(std::string("cannot move the export into place: ") + std::strerror(errno), {o.destination});
    for (const auto& [layer, name] : plan)
        report.lines.push_back(fmt::format("{} '{}' as '{}' ({} features{})", exists && o.append ? "added" : "wrote", layer->GetName(), name,
                                           layer->GetFeatureCount(TRUE), styles.count(name) && !styles[name].empty() && o.styles ? ", styled" : ""));
    report.outputs.push_back(o.destination);
    return report;
}

// GeoPackage and KML hold every layer; one translation writes them all into a temporary beside
// the destination, renamed into place when complete.
RunReport exportSingleFile(const ExportOptions& o, GDALDataset* src, const std::vector<OGRLayer*>& layers, const std::string& crs, Progress& progress) {
    RunReport report;
    // Single-file formats: GeoPackage and KML hold every layer; one translation writes them all.
    std::error_code same;
    if (fs::exists(o.destination, same) && fs::equivalent(o.destination, o.source, same))
        throwUsage("the destination " + o.destination + " is the source file; export to another file", {"", 0, "to"});
    refuseOverwrite(o.destination, o.overwrite);
    const std::string tmp = tempBeside(o.destination);
    std::vector<std::string> args = {"-f", toString(o.format)};
    if (!crs.empty()) args.insert(args.end(), {"-t_srs", crs});
    const bool geopackage = o.format == ExportFormat::GeoPackage;
    // GeoPackage: rows first, then the R-tree packed in one go (io/gpkg_rtree.hpp), several times
    // faster than GDAL 3.6 filling it row by row.
    if (geopackage) args.insert(args.end(), {"-lco", "SPATIAL_INDEX=NO"});
    int chosen = 0;
    for (OGRLayer* l : layers) {
        const std::string name = l->GetName();
        if (o.format == ExportFormat::Kml && l->GetGeomType() == wkbNone) {
            report.lines.push_back("skipped table '" + name + "': KML holds only features with geometry");
            continue;
        }
        args.push_back(name);
        ++chosen;
    }
    if (chosen == 0) throwUsage("nothing to export (no layer with geometry for " + std::string(toString(o.format)) + ")", {o.source});
    progress.note(fmt::format("exporting {} layer(s) to {}", chosen, toString(o.format)));
    try {
        {
            // The file is a temporary until the rename below, and the index build's commit syncs
            // it to disk, so SQLite need not sync after every transaction of the copy.
            ScopedThreadConfig noSync("OGR_SQLITE_SYNCHRONOUS", geopackage ? "OFF" : nullptr);
            vectorTranslate(tmp, src, args, false);
        }
        if (geopackage) addGeoPackageSpatialIndexes(tmp);
        if (o.format == ExportFormat::Kml)
            for (OGRLayer* l : layers)
                if (l->GetGeomType() != wkbNone) verifyWrittenLayer(tmp, l->GetName(), l->GetFeatureCount(TRUE));
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    if (o.styles && o.format == ExportFormat::GeoPackage) {
        const int styled = writeGeoPackageStyles(tmp);
        report.lines.push_back(fmt::format("{} layers carry a QGIS default style (layer_styles)", styled));
    }
    if (::rename(tmp.c_str(), o.destination.c_str()) != 0) throwOutput(std::string("cannot move the export into place: ") + std::strerror(errno), {o.destination});
    report.outputs.push_back(o.destination);
    return report;
}

}  // namespace

RunReport runExport(const ExportOptions& o, Progress& progress) {
    const std::string sourceExt = toLowerAscii(fs::path(o.source).extension().string());
    if (sourceExt == ".tif" || sourceExt == ".tiff") {
        if (o.format != ExportFormat::GeoTiff) throwUsage("a raster exports to gtiff only", {"", 0, "format"});
        return exportRaster(o);
    }
    if (o.format == ExportFormat::GeoTiff) throwUsage("gtiff is for raster sources (.tif)", {"", 0, "format"});
    if (o.format == ExportFormat::All) return exportEveryFormat(o, progress);
    if (o.format == ExportFormat::PostGis) return runPostGisExport(o, progress);
    if (o.destination.empty()) throwUsage("give the destination with `to`", {"", 0, "to"});

    DatasetPtr src = openVector(o.source);
    std::vector<OGRLayer*> layers;
    if (o.layers.empty()) {
        for (int i = 0; i < src->GetLayerCount(); ++i) {
            OGRLayer* l = src->GetLayer(i);
            if (std::string(l->GetName()) == "layer_styles") continue;  // styles travel separately
            layers.push_back(l);
        }
    } else {
        for (const auto& name : o.layers) layers.push_back(pickLayer(*src, o.source, name));
    }
    std::string crs = o.crs;
    if ((o.format == ExportFormat::GeoJson || o.format == ExportFormat::Kml) && crs.empty()) crs = "EPSG:4326";  // RFC 7946 / KML
    if (o.format == ExportFormat::GeoJson && !crs.empty() && crs != "EPSG:4326")
        throwUsage("GeoJSON (RFC 7946) is always WGS84 longitude/latitude", {"", 0, "crs"});
    const bool perLayerFiles = o.format == ExportFormat::Shapefile || o.format == ExportFormat::GeoJson ||
                               o.format == ExportFormat::FlatGeobuf || o.format == ExportFormat::Csv;
    if (o.append || !o.layerNames.empty()) return exportIntoGeoPackage(o, src.get(), layers, crs);
    return perLayerFiles ? exportPerLayerFiles(o, src.get(), layers, crs) : exportSingleFile(o, src.get(), layers, crs, progress);
}

}  // namespace hotspot
