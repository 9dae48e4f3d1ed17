#include "hotspot/attribution.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include "hotspot/strings.hpp"

namespace hotspot {

namespace {

bool has(const std::string& text, const char* word) { return text.find(word) != std::string::npos; }

}  // namespace

SourceCredit creditFor(const std::string& path) {
    // A folder can say who to credit: an ATTRIBUTION file (its first line) in the file's folder or
    // up to three folders above. The bundled sample has one, so it is never credited to police.uk.
    std::error_code ec;
    std::filesystem::path folder = std::filesystem::absolute(path, ec).parent_path();
    for (int up = 0; up < 4 && !ec && !folder.empty(); ++up, folder = folder.parent_path()) {
        std::ifstream marker(folder / "ATTRIBUTION");
        std::string line;
        while (marker && std::getline(marker, line))
            if (!trim(line).empty()) return {"folder", std::string(trim(line))};
        if (folder == folder.root_path()) break;
    }
    const std::string p = toLowerAscii(path);
    const std::string name = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
    static const std::regex policeFile(R"(^\d{4}-\d{2}-[a-z0-9-]+-(street|outcomes|stop-and-search)\.csv$)");
    if (std::regex_match(name, policeFile) || has(p, "police-uk") || has(p, "police.uk") || has(p, "data.police"))
        return {"police.uk", "Crime data: data.police.uk, Open Government Licence v3.0"};
    if (has(name, "stats19") || has(p, "stats19") || has(name, "dft-road-casualty") || has(name, "road-casualty"))
        return {"DfT", "Road collisions: Department for Transport STATS19, Open Government Licence v3.0"};
    if (has(name, "oproad") || has(name, "open_roads") || has(name, "openroads") || has(name, "os_open") || has(name, "open-roads"))
        return {"Ordnance Survey", "Contains OS data © Crown copyright and database right"};
    if (name.ends_with(".pbf") || name.ends_with(".osm") || has(name, "osm") || has(p, "openstreetmap"))
        return {"OpenStreetMap", "© OpenStreetMap contributors, ODbL"};
    // ONS geographies by a word of the path ("wards_by_lad/", "LSOA_2021.gpkg", "census2021-..."),
    // not by letters inside a word ("edward").
    static const std::regex onsWord(R"((^|[/_.-])(wards?|lsoas?|msoas?|oa11|oa21|lad\d*|census\d*|ons)([/_.-]|\d|$))");
    if (std::regex_search(p, onsWord))
        return {"ONS", "Source: Office for National Statistics, Open Government Licence v3.0; contains OS data © Crown copyright and database right"};
    return {};
}

std::string attributionLine(const std::vector<std::string>& paths, const std::string& projectAttribution) {
    std::vector<std::string> parts;
    if (!projectAttribution.empty()) parts.push_back(projectAttribution);
    // A stable order: the publishers in the order the credits are listed in creditFor.
    static const char* order[] = {"folder", "police.uk", "DfT", "ONS", "Ordnance Survey", "OpenStreetMap"};
    for (const char* publisher : order)
        for (const auto& path : paths) {
            const SourceCredit c = creditFor(path);
            if (c.publisher == publisher) {
                if (std::find(parts.begin(), parts.end(), c.text) == parts.end()) parts.push_back(c.text);
                if (c.publisher != "folder") break;  // every folder's own line, each publisher's credit once
            }
        }
    std::string line;
    for (const auto& part : parts) line += (line.empty() ? "" : ". ") + part;
    return line;
}

}  // namespace hotspot
