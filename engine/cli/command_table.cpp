// The `hotspot` program's commands, in the order `hotspot --help` lists them. The CLI's main() and
// the Python module's hotspot.run() register them the same way.

#include <map>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace hotspot::cli {

std::map<CLI::App*, RunFunction> registerCommands(CLI::App& app, const GlobalOptions& global) {
    std::map<CLI::App*, RunFunction> commands;
    auto* geocode = app.add_subcommand("geocode", "Geocode incidents into area polygons (priority areas, wards, LSOAs, districts)");
    commands[geocode] = registerGeocode(*geocode, global);
    auto* density = app.add_subcommand("density", "Grid counts and kernel density (plus dual KDE risk surfaces and area rates)");
    commands[density] = registerDensity(*density, global);
    auto* gistar = app.add_subcommand("gistar", "Getis-Ord Gi* hot spots with FDR bins, on grid cells or area polygons");
    commands[gistar] = registerGiStar(*gistar, global);
    auto* moran = app.add_subcommand("moran", "Cluster and outlier analysis: local Moran's I (HH, LL, HL, LH) and the global Moran's I");
    commands[moran] = registerLocalMoran(*moran, global);
    auto* concentrate = app.add_subcommand("concentrate", "Crime concentration at place: Lorenz curve, Gini, top places, repeat locations, stability");
    commands[concentrate] = registerConcentrate(*concentrate, global);
    auto* nearRepeat = app.add_subcommand("near-repeat", "Near-repeat analysis: the Knox test by distance and time bands, with permutations");
    commands[nearRepeat] = registerNearRepeat(*nearRepeat, global);
    auto* forecast = app.add_subcommand("forecast-evaluate", "Which hot spot map predicts next month best: rolling-origin hit rate, PAI, PEI, RRI");
    commands[forecast] = registerForecastEvaluate(*forecast, global);
    auto* change = app.add_subcommand("change", "Change between two periods per cell and per area");
    commands[change] = registerChange(*change, global);
    auto* emerging = app.add_subcommand("emerging", "Emerging hot spot classes over monthly or quarterly steps");
    commands[emerging] = registerEmerging(*emerging, global);
    auto* evaluate = app.add_subcommand("evaluate", "Hit rate, PAI and RRI of hotspots chosen in one period for the next");
    commands[evaluate] = registerEvaluate(*evaluate, global);
    auto* report = app.add_subcommand("report", "Performance report: counts per group over three years, change and shares (CSV, Markdown, PNG)");
    commands[report] = registerReport(*report, global);
    auto* roads = app.add_subcommand("roads", "Road problem localities: collisions and complaints on the network, cluster sites, register");
    commands[roads] = registerRoads(*roads, global);
    auto* coverage = app.add_subcommand("coverage", "CCTV and lighting coverage of incidents and hotspots; dark hotspots; per-area tables");
    commands[coverage] = registerCoverage(*coverage, global);
    auto* evaluateInterventions =
        app.add_subcommand("evaluate-interventions", "Before/after per intervention with buffer and control areas; WDQ; incidents prevented per GBP");
    commands[evaluateInterventions] = registerEvaluateInterventions(*evaluateInterventions, global);
    auto* sites = app.add_subcommand("sites", "Choose new CCTV or light sites that cover the most hotspot demand (greedy, lazy gains)");
    commands[sites] = registerSites(*sites, global);
    auto* exportCommand = app.add_subcommand("export", "Export results to Shapefile, GeoPackage, GeoJSON, FlatGeobuf, CSV, KML, GeoTIFF or PostGIS");
    commands[exportCommand] = registerExport(*exportCommand, global);
    return commands;
}

Progress commandProgress(const GlobalOptions& global) {
    if (global.progress) return Progress(global.progress);
    return Progress(!global.quiet, OptionNaming::cli());
}

}  // namespace hotspot::cli
