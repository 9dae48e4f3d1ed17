// `hotspot export`: results to Shapefile, GeoPackage, GeoJSON, FlatGeobuf, CSV, KML, GeoTIFF or PostGIS.

#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "hotspot/export.hpp"
#include "hotspot/progress.hpp"

namespace hotspot::cli {

RunFunction registerExport(CLI::App& app, const GlobalOptions& global) {
    struct Args {
        std::string source, format = "gpkg", to, crs, runId, schema = "hotspot", pg;
        std::vector<std::string> layers, layerNames;
        bool overwrite = false, noStyles = false, append = false;
    };
    auto a = std::make_shared<Args>();
    app.add_option("source", a->source, "A results GeoPackage (e.g. out/incidents.gpkg, out/.../hotspots.gpkg) or a GeoTIFF")->required();
    app.add_option("-f,--format", a->format, "shp, gpkg, geojson, fgb, csv, kml, gtiff, postgis, or all (every file format into the --to folder)")->default_val("gpkg");
    app.add_option("--to", a->to,
                   "Destination: a folder (shp, geojson, fgb, csv), a file (gpkg, kml, tif), or for postgis "
                   "'PG:...' / 'service=NAME' (default: the PG* environment variables)");
    app.add_option("--layer", a->layers, "Layer(s) to export (default: all)");
    app.add_option("--crs", a->crs, "Output CRS, e.g. EPSG:4326 (GeoJSON and KML are always WGS84)");
    app.add_flag("--overwrite", a->overwrite, "Replace existing files (default: refuse); with --append, layers of the same name");
    app.add_flag("--append", a->append, "GeoPackage: add the layers to the --to file beside its own (burglary and ASB hot spots in one file)");
    app.add_option("--layer-name", a->layerNames, "GeoPackage: the name of each exported layer in the --to file, in the order of --layer");
    app.add_flag("--no-styles", a->noStyles, "Do not write QGIS styles (layer_styles table, .qml files)");
    app.add_option("--run-id", a->runId, "PostGIS: the run's id; re-exporting a run id replaces that run's rows only");
    app.add_option("--schema", a->schema, "PostGIS schema")->default_val("hotspot");
    app.add_option("--pg", a->pg, "With -f all: also export to PostGIS ('PG:...', 'service=NAME', or 'env' for the PG* variables)");
    return [a, &global] {
        ExportOptions o;
        o.source = a->source;
        o.format = parseExportFormat(a->format);
        o.destination = a->to;
        o.layers = a->layers;
        o.crs = a->crs;
        o.overwrite = a->overwrite;
        o.append = a->append;
        o.layerNames = a->layerNames;
        o.styles = !a->noStyles;
        o.runId = a->runId;
        o.schema = a->schema;
        o.postgis = a->pg;
        o.runParameters = {{"format", a->format}, {"crs", a->crs.empty() ? "source" : a->crs}, {"source", a->source}};
        Progress progress = commandProgress(global);
        RunReport r = runExport(o, progress);
        if (!global.quiet) std::fputs(nameOptions(r.format(), OptionNaming::cli()).c_str(), stderr);
        if (global.report) *global.report = r;
        return 0;
    };
}

}  // namespace hotspot::cli
