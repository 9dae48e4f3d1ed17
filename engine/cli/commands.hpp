#pragma once
// Each command registers its typed options on the CLI11 app and returns the function that runs it.
// Parsing does no I/O; the run function calls the engine and returns an exit code.

#include <functional>
#include <map>

#include "hotspot/progress.hpp"
#include "hotspot/run_report.hpp"

namespace CLI {
class App;
}

namespace hotspot::cli {

struct GlobalOptions {
    bool quiet = false;
    // Front ends that run the commands in process (the Python module's hotspot.run): progress to
    // this callback instead of stderr, and the run's report kept here as well as printed.
    Progress::Callback progress;
    RunReport* report = nullptr;
};

using RunFunction = std::function<int()>;

// Every command of the `hotspot` program on `app` (as subcommands), with the function that runs each.
std::map<CLI::App*, RunFunction> registerCommands(CLI::App& app, const GlobalOptions& global);
// The progress a command reports to: the front end's callback, or stderr (naming options as flags).
Progress commandProgress(const GlobalOptions& global);

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
