#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "hotspot/error.hpp"
#include "hotspot/ingest.hpp"
#include "hotspot/strings.hpp"
#include "io/archive.hpp"
#include "io/output_files.hpp"

namespace fs = std::filesystem;

namespace hotspot {
namespace {

bool isIncidentFile(const fs::path& p) {
    std::string ext = toLowerAscii(p.extension().string());
    return ext == ".csv" || ext == ".gpkg" || ext == ".shp" || ext == ".geojson" || ext == ".json" || ext == ".fgb" || ext == ".xlsx" || ext == ".ods";
}

// The data files of a zip, in member order; a zip without one is refused by name.
std::vector<std::string> zipDataFiles(const std::string& zip) {
    std::vector<std::string> out;
    for (const auto& member : listZipMembers(zip))
        if (isIncidentFile(fs::path(member))) out.push_back(member);
    if (out.empty()) throwInput("the zip holds no .csv or vector files (is it a police.uk download?)", {zip});
    return out;
}

}  // namespace

std::vector<std::string> expandInputPaths(const std::vector<std::string>& specs) {
    std::vector<std::string> out;
    std::set<std::string> seen, foldersChecked;
    auto add = [&](const std::string& p) {
        if (!seen.insert(p).second) return;
        out.push_back(p);
        const std::string file = archiveOf(p);  // a zip member: its archive is the file on disk
        registerInputFile(file);                // outputs of this run may not replace it
        // A results folder a killed run left mid-commit is completed before anything is read.
        const std::string folder = fs::path(file).parent_path().empty() ? "." : fs::path(file).parent_path().string();
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
                if (it->is_regular_file(ec) && (isIncidentFile(it->path()) || isZipFile(it->path().string()))) found.push_back(it->path().string());
            if (found.empty()) throwInput("folder holds no .csv, vector or zip files", {spec});
            std::sort(found.begin(), found.end());
            for (const auto& f : found) {
                if (!isZipFile(f)) {
                    add(f);
                    continue;
                }
                for (const auto& member : zipDataFiles(f)) add(member);
            }
        } else if (isZipFile(spec)) {
            for (const auto& member : zipDataFiles(spec)) add(member);
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
