#pragma once
// Each command registers its typed options on the CLI11 app and returns the function that runs it.
// Parsing does no I/O; the run function calls the engine and returns an exit code.

#include <functional>

namespace CLI {
class App;
}

namespace hotspot::cli {

struct GlobalOptions {
    bool quiet = false;
};

using RunFunction = std::function<int()>;

RunFunction registerGeocode(CLI::App& app, const GlobalOptions& global);
RunFunction registerDensity(CLI::App& app, const GlobalOptions& global);
RunFunction registerGiStar(CLI::App& app, const GlobalOptions& global);
RunFunction registerLocalMoran(CLI::App& app, const GlobalOptions& global);
RunFunction registerConcentrate(CLI::App& app, const GlobalOptions& global);
RunFunction registerNearRepeat(CLI::App& app, const GlobalOptions& global);
RunFunction registerForecastEvaluate(CLI::App& app, const GlobalOptions& global);
RunFunction registerChange(CLI::App& app, const GlobalOptions& global);
RunFunction registerEmerging(CLI::App& app, const GlobalOptions& global);
RunFunction registerEvaluate(CLI::App& app, const GlobalOptions& global);
RunFunction registerReport(CLI::App& app, const GlobalOptions& global);
RunFunction registerRoads(CLI::App& app, const GlobalOptions& global);
RunFunction registerCoverage(CLI::App& app, const GlobalOptions& global);
RunFunction registerEvaluateInterventions(CLI::App& app, const GlobalOptions& global);
RunFunction registerSites(CLI::App& app, const GlobalOptions& global);
RunFunction registerExport(CLI::App& app, const GlobalOptions& global);

}  // namespace hotspot::cli
