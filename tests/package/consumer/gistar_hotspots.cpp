// Burglary Gi* hot spots of 2021 through the installed library's public API: the same job as
//   hotspot gistar POLICE_FOLDER --group burglary --months 2021 --cell 250 -o OUT
// usage: gistar_hotspots POLICE_FOLDER OUT

#include <cstdio>
#include <exception>

#include "hotspot/analysis_run.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/version.hpp"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: gistar_hotspots POLICE_FOLDER OUT\n");
        return 2;
    }
    try {
        const hotspot::CategoryMap categories = hotspot::CategoryMap::builtinDefault();
        hotspot::GiStarRunOptions options;
        options.input.inputs = {argv[1]};
        options.input.ingest.categories = &categories;
        options.input.groups = {"burglary"};
        options.input.months = hotspot::MonthRange::parse("2021", "months");
        options.grid.cellSize = 250;
        options.outDir = argv[2];
        hotspot::Progress quiet;
        const hotspot::RunReport report = hotspot::runGiStar(options, quiet);
        std::printf("hotspot %s\n%s", hotspot::versionString(), report.format().c_str());
        return 0;
    } catch (const hotspot::Error& e) {
        std::fprintf(stderr, "gistar_hotspots: %s\n", e.what());
        return 3;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "gistar_hotspots: %s\n", e.what());
        return 1;
    }
}
