#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "hotspot/error.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/strings.hpp"
#include "io/output_files.hpp"

namespace fs = std::filesystem;

namespace hotspot {
namespace {

bool isIncidentFile(const fs::path& p) {
    std::string ext = toLowerAscii(p.extension().string());
    return ext == ".csv" || ext == ".gpkg" || ext == ".shp" || ext == ".geojson" || ext == ".json" || ext == ".fgb";
}

}  // namespace

std::vector<std::string> expandInputPaths(const std::vector<std::string>& specs) {
    std::vector<std::string> out;
    std::set<std::string> seen, foldersChecked;
    auto add = [&](const std::string& p) {
        if (!seen.insert(p).second) return;
        out.push_back(p);
        registerInputFile(p);  // outputs of this run may not replace it
        // A results folder a killed run left mid-commit is completed before anything is read.
        const std::string folder = fs::path(p).parent_path().empty() ? "." : fs::path(p).parent_path().string();
        if (p.rfind("PG:", 0) != 0 && foldersChecked.insert(folder).second) finishInterruptedCommits(folder);
    };
    for (const auto& spec : specs) {
        std::error_code ec;
        if (spec.rfind("PG:", 0) == 0 || spec.find("|layername=") != std::string::npos) {
            add(spec);  // a PostGIS connection or a source with a layer: opened by GDAL as it is
            continue;
        }
        const bool pattern = spec.find_first_of("*?[") != std::string::npos && !fs::exists(spec, ec);
        if (!pattern) checkInputPath(spec, true);
        if (fs::is_directory(spec, ec)) {
            // A folder such as a police.uk download: YYYY-MM/*-street.csv, recursively, sorted by path
            // so months load in order (later months replace earlier rows with the same Crime ID).
            std::vector<std::string> found;
            for (auto it = fs::recursive_directory_iterator(spec, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
                if (it->is_regular_file(ec) && isIncidentFile(it->path())) found.push_back(it->path().string());
            if (found.empty()) throwInput("folder holds no .csv or vector files", {spec});
            std::sort(found.begin(), found.end());
            for (const auto& f : found) add(f);
        } else if (spec.find_first_of("*?[") != std::string::npos) {
            glob_t g{};
            int rc = ::glob(spec.c_str(), 0, nullptr, &g);
            if (rc != 0 || g.gl_pathc == 0) {
                globfree(&g);
                throwInput("pattern matches no file", {spec});
            }
            std::vector<std::string> found(g.gl_pathv, g.gl_pathv + g.gl_pathc);
            globfree(&g);
            std::sort(found.begin(), found.end());
            for (const auto& f : found) {
                checkInputPath(f);
                add(f);
            }
        } else {
            add(spec);
        }
    }
    return out;
}

}  // namespace hotspot
