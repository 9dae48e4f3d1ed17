#include "project.hpp"

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "hotspot/error.hpp"

namespace hotspot::viewer {

namespace fs = std::filesystem;

ProjectFile ProjectFile::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throwInput("cannot read the project file", {path});
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throwInput(std::string("not valid JSON: ") + e.what(), {path, 0});
    }
    // Relative paths resolve against the project's base folder (the file's folder, or the "base" the
    // project declares) and may not leave it: a project cannot reach other files by accident. An
    // absolute path is taken as given on purpose.
    const fs::path folder = fs::absolute(fs::path(path)).parent_path();
    fs::path base = folder;
    if (j.is_object() && j.contains("base") && j.at("base").is_string())
        base = (folder / j.at("base").get<std::string>()).lexically_normal();
    base = base.lexically_normal();
    auto resolve = [&](const std::string& p) {
        if (p.empty() || fs::path(p).is_absolute()) return p;
        const fs::path resolved = (base / p).lexically_normal();
        const fs::path inside = resolved.lexically_relative(base);
        if (inside.empty() || *inside.begin() == "..")
            throwInput("the path '" + p + "' leaves the project folder " + base.string() + " (give an absolute path to use a file outside it)",
                       {path, 0, p});
        return resolved.string();
    };
    ProjectFile pf;
    pf.path = path;
    try {
        pf.title = j.value("title", pf.title);
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
            e.path = resolve(l.at("path").get<std::string>());
            e.layer = l.value("layer", std::string());
            e.role = l.value("role", e.role);
            e.name = l.value("name", fs::path(e.path).stem().string());
            e.label = l.value("label", std::string());
            e.visible = l.value("visible", true);
            e.opacity = l.value("opacity", 1.0);
            pf.layers.push_back(e);
        }
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
    return pf;
}

ProjectFile ProjectFile::fromFiles(const std::vector<std::string>& files) {
    ProjectFile pf;
    for (const auto& f : files) {
        LayerEntry e;
        e.path = f;
        e.name = fs::path(f).filename().string();
        pf.layers.push_back(e);
    }
    if (!files.empty()) pf.title = fs::path(files.front()).filename().string();
    return pf;
}

}  // namespace hotspot::viewer
