#pragma once
// An open project: its layers (bottom to top), the incidents in memory, the current analysis
// surface and site recommendation. Used by the window, the headless tests and --screenshot.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis.hpp"
#include "hotspot/category_map.hpp"
#include "project.hpp"
#include "renderer.hpp"

namespace hotspot::viewer {

struct Identified {
    QString layer;
    Attributes attributes;
};

class Session {
public:
    // Loads every layer, reads the incidents, computes the project's surface and (when the project
    // has a roads section) the road problem localities. Throws hotspot::Error.
    static std::unique_ptr<Session> open(const ProjectFile& project);
    Session() = default;
    ~Session();  // removes the session's cache folder
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    ProjectFile project;
    CategoryMap categories = CategoryMap::builtinDefault();
    LayerList layers;  // bottom to top
    IncidentSet incidents;
    std::optional<Surface> surface;
    std::vector<std::string> notes;  // what was computed or skipped while opening

    AnalysisRequest initialRequest() const;
    // Replaces the surface and the selected-incidents layer (keeping their visibility).
    void setSurface(Surface s);
    void setSites(const SiteRecommendation& sites, double radius);
    std::vector<Camera> cameras() const;
    std::shared_ptr<MapLayer> layerByName(const QString& name) const;
    std::shared_ptr<MapLayer> layerByRole(const QString& role) const;
    Extent fullExtent() const;
    MapView initialView(int width, int height) const;
    // The topmost visible layer with a feature at (x, y); area polygons also get the counts of the
    // current selection, the change from a year before and the interventions inside.
    std::optional<Identified> identify(double x, double y, double tolerance) const;

private:
    void insertAtSurfacePosition(std::shared_ptr<MapLayer> layer);
    std::string m_cacheDir;
};

}  // namespace hotspot::viewer
