#pragma once
// Options shared by the commands that read incidents (density, gistar, change, emerging, evaluate,
// coverage, evaluate-interventions, sites): where the incidents come from and which ones to use.

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/options.hpp"

namespace hotspot::cli {

// police.uk download options, shared by geocode and every command that reads incidents.
struct DownloadArgs {
    std::vector<std::string> forces;
    std::string series = "street";
    std::string outcomeMapPath;
};
void addDownloadOptions(CLI::App& app, DownloadArgs& d);

// Options every analysis command shares: where the incidents come from and which ones to use.
struct InputArgs {
    std::vector<std::string> inputs;
    std::string categories, categoryField, columns, srs, layer, crs = "EPSG:27700";
    std::vector<std::string> groups, outcomes;
    DownloadArgs download;
    std::string months;
    std::vector<std::string> studyArea;
    double cell = 0;
    std::string shape = "square";
    int64_t maxCells = 25'000'000;
    bool clip = false;
    std::string out = "out";
    std::string delimiter = "auto";
    CategoryMap categoryMap;  // filled by build()
    OutcomeMap outcomeMap;    // filled by build() when --outcome-map is given
};

// A CLI11 validator for a declared option: refuses text that is not a number, NaN, infinities,
// fractions of whole-number options and values out of range before CLI11 converts the text (so
// nothing can wrap around), and an explicit value equal to the struct's "not given" marker.
CLI::Validator numberValidator(const NumberOption& spec);

// Binds a flag to a declared option: the flag is --key, the help text ends with the range.
template <class T>
CLI::Option* addNumber(CLI::App& app, const NumberOption& spec, T& target, const std::string& help, const std::string& shortFlag = {}) {
    const std::string flag = OptionNaming::cli()(spec.key);
    return app.add_option(shortFlag.empty() ? flag : shortFlag + "," + flag, target, help + " [" + spec.rangeText() + "]")
        ->check(numberValidator(spec));
}
CLI::Option* addChoice(CLI::App& app, const ChoiceOption& spec, std::string& target, const std::string& help);

// Area layers as given (LABEL=PATH[:LAYER][|srs=CRS]); --srs is the CRS of those without one.
std::vector<AreaLayerSpec> areaSpecs(const std::vector<std::string>& specs, const std::string& srs);

void addInputOptions(CLI::App& app, InputArgs& a, bool withMonths = true);
// Takes shared options off a command that would ignore them: an option that is listed is honoured.
void removeOptions(CLI::App& app, std::initializer_list<const char*> flags);
inline constexpr std::initializer_list<const char*> kGridFlags = {"--cell", "--shape", "--max-cells", "--clip"};
AnalysisInput build(InputArgs& a);
GridChoice gridChoice(const InputArgs& a);
// Prints the run report unless quiet; returns exit code 0.
int finish(const RunReport& report, const GlobalOptions& global);

}  // namespace hotspot::cli
