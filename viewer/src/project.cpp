#include "project.hpp"

#include "hotspot/attribution.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <fstream>

#include <nlohmann/json.hpp>

#include "analysis.hpp"
#include "hotspot/error.hpp"

namespace hotspot::viewer {

namespace fs = std::filesystem;

namespace {

// JSON nested deeper than this is refused before the parser sees it: nlohmann's parser recurses
// per level, and 200,000 nested '[' overflowed the stack. Real projects nest 3 levels.
constexpr int kMaxJsonDepth = 64;

void checkNestingDepth(const std::string& text, const std::string& path) {
    int depth = 0;
    bool inString = false, escaped = false;
    int64_t line = 1;
    for (char c : text) {
        if (c == '\n') ++line;
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
            continue;
        }
        if (c == '"') inString = true;
        else if (c == '[' || c == '{') {
            if (++depth > kMaxJsonDepth)
                throwInput("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels; a project file nests 3", {path, line});
        } else if (c == ']' || c == '}') --depth;
    }
}

const std::vector<std::string> kLayerRoles = {"generic", "areas", "priority", "roads", "cctv", "lights", "interventions", "lixels", "localities", "basemap"};

}  // namespace

ProjectFile ProjectFile::load(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) throwInput(fs::exists(path, ec) ? "not a regular file" : "no such file", {path});
    std::ifstream in(path, std::ios::binary);
    if (!in) throwInput("cannot read the project file", {path});
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    checkNestingDepth(text, path);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throwInput(std::string("not valid JSON: ") + e.what(), {path, 0});
    }
    // Relative paths resolve against the project's base folder (the file's folder, or the "base" the
    // project declares) and may not leave it: a project cannot reach other files by accident. The
    // check is on real paths (symlinks and ".." resolved), so a symlink inside the folder that
    // points outside it is refused too; a base that resolves to the filesystem root would contain
    // everything and is refused. An absolute path is taken as given on purpose.
    const fs::path folder = fs::weakly_canonical(fs::absolute(fs::path(path)).parent_path(), ec);
    fs::path base = folder;
    if (j.is_object() && j.contains("base") && j.at("base").is_string()) {
        base = fs::weakly_canonical(folder / j.at("base").get<std::string>(), ec);
        if (ec || base == base.root_path())
            throwInput("the base folder '" + j.at("base").get<std::string>() + "' resolves to " + (ec ? ec.message() : base.string()) +
                           "; a project's base must be a folder that holds its data, not the filesystem root",
                       {path, 0, "base"});
    }
    auto resolve = [&](const std::string& p) {
        if (p.empty() || fs::path(p).is_absolute()) return p;
        std::error_code rec;
        const fs::path resolved = fs::weakly_canonical(base / p, rec);
        const fs::path inside = resolved.lexically_relative(base);
        if (rec || inside.empty() || *inside.begin() == "..")
            throwInput("the path '" + p + "' leaves the project folder " + base.string() +
                           (rec ? "" : " (it resolves to " + resolved.string() + ")") + "; give an absolute path to use a file outside it",
                       {path, 0, p});
        return resolved.string();
    };
    ProjectFile pf;
    pf.path = path;
    try {
        pf.title = j.value("title", pf.title);
        pf.attribution = j.value("attribution", std::string());
        pf.fit = j.value("fit", std::string());
        if (j.contains("extent")) {
            const auto box = j.at("extent").get<std::vector<double>>();
            if (box.size() != 4 || !(box[2] > box[0]) || !(box[3] > box[1]))
                throwUsage("extent must be [minx, miny, maxx, maxy] with max > min", {path, 0, "extent"});
            pf.extent = {box[0], box[1], box[2], box[3]};
        }
        pf.crs = j.value("crs", pf.crs);
        for (const auto& p : j.value("incidents", std::vector<std::string>{})) pf.incidents.push_back(resolve(p));
        pf.incidentColumns = j.value("incident_columns", std::string());
        if (j.contains("analysis")) {
            const auto& a = j.at("analysis");
            pf.group = a.value("group", pf.group);
            pf.from = a.value("from", pf.from);
            pf.to = a.value("to", pf.to);
            pf.method = a.value("method", pf.method);
            pf.cell = a.value("cell", pf.cell);
            pf.bandwidth = a.value("bandwidth", pf.bandwidth);
        }
        for (const auto& l : j.value("layers", nlohmann::json::array())) {
            LayerEntry e;
            e.role = l.value("role", e.role);
            const std::string given = l.at("path").get<std::string>();
            // A basemap URL is not a file; a tile folder pattern resolves by its folder part.
            const bool url = given.rfind("http://", 0) == 0 || given.rfind("https://", 0) == 0;
            if (e.role == "basemap" && url) e.path = given;
            else if (e.role == "basemap" && given.find("{z}") != std::string::npos) e.path = resolve(given.substr(0, given.find("{z}"))) + "/" + given.substr(given.find("{z}"));
            else e.path = resolve(given);
            e.layer = l.value("layer", std::string());
            e.cache = l.contains("cache") ? resolve(l.at("cache").get<std::string>()) : std::string();
            e.attribution = l.value("attribution", std::string());
            if (std::find(kLayerRoles.begin(), kLayerRoles.end(), e.role) == kLayerRoles.end()) {
                std::string known;
                for (const auto& r : kLayerRoles) known += (known.empty() ? "" : ", ") + r;
                throwInput("unknown layer role '" + e.role + "' (known: " + known + ")", {path, 0, "layers[].role"});
            }
            e.name = l.value("name", fs::path(e.path).stem().string());
            e.label = l.value("label", std::string());
            e.visible = l.value("visible", true);
            e.opacity = l.value("opacity", 1.0);
            pf.layers.push_back(e);
        }
        if (j.contains("near_repeat")) pf.nearRepeat = resolve(j.at("near_repeat").get<std::string>());
        if (j.contains("roads")) {
            const auto& r = j.at("roads");
            pf.roads.network = resolve(r.at("network").get<std::string>());
            for (const auto& p : r.value("collisions", std::vector<std::string>{})) pf.roads.collisions.push_back(resolve(p));
            for (const auto& p : r.value("complaints", std::vector<std::string>{})) pf.roads.complaints.push_back(resolve(p));
            pf.roads.complaintColumns = r.value("complaint_columns", std::string());
        }
    } catch (const nlohmann::json::exception& e) {
        throwInput(std::string("bad project entry: ") + e.what(), {path, 0});
    }
    // The analysis keys go through the engine's own option declarations, named as the project
    // spells them ("analysis.cell"): a 1e-320 m cell or a NaN bandwidth stops here, not in the KDE.
    try {
        AnalysisRequest request;
        request.method = parseSurfaceMethod(pf.method);
        request.cell = pf.cell;
        request.bandwidth = pf.bandwidth;
        request.validate(OptionNaming::prefixed("analysis."));
    } catch (const Error& e) {
        throwInput(e.message(), {path, 0, e.context().field.empty() ? "analysis.method" : e.context().field});
    }
    return pf;
}

ProjectFile ProjectFile::fromFiles(const std::vector<std::string>& files) {
    ProjectFile pf;
    for (const auto& f : files) {
        LayerEntry e;
        e.path = f;
        e.name = fs::path(f).filename().string();
        // An OSM extract given alone is a road map: grey by class, labelled with ref and name.
        const std::string ext = fs::path(f).extension().string();
        if (ext == ".pbf" || ext == ".osm") e.role = "roads", e.name = "Roads (OpenStreetMap)";
        pf.layers.push_back(e);
    }
    if (!files.empty()) pf.title = fs::path(files.front()).filename().string();
    return pf;
}

std::string ProjectFile::mapAttribution() const {
    std::vector<std::string> paths = incidents;
    for (const auto& l : layers) paths.push_back(l.path);
    if (!roads.network.empty()) paths.push_back(roads.network);
    paths.insert(paths.end(), roads.collisions.begin(), roads.collisions.end());
    std::string own = attribution;
    for (const auto& l : layers)
        if (!l.attribution.empty()) own += (own.empty() ? "" : ". ") + l.attribution;
    const std::string line = attributionLine(paths, own);
    return line.empty() ? "Map: hotspot-viewer." : line + ". Map: hotspot-viewer.";
}

}  // namespace hotspot::viewer
