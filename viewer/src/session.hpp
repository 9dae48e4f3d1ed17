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

// The near-repeat zone drawn around one incident: the incident, the zone's reach, where the zone
// came from, and the later incidents of the selection that fell inside it.
struct NearRepeatView {
    double x = 0, y = 0;
    int32_t month = 0;
    double distance = -1;           // metres; -1: the selection has no near-repeat zone
    int months = -1;                // months after the incident
    std::string source;             // "near_repeat.csv" or "Knox test of the current selection ..."
    std::vector<size_t> followers;  // indexes into the incident set
    std::string describe() const;
};

class Session {
public:
    // Loads every layer, reads the incidents, computes the project's surface and (when the project
    // has a roads section) the road problem localities. Throws hotspot::Error.
    static std::unique_ptr<Session> open(const ProjectFile& project);
    // The same, reporting to `progress` (reading incidents, computing road localities); a callback
    // that returns false cancels it with Error(Cancelled) and nothing is kept.
    static std::unique_ptr<Session> open(const ProjectFile& project, Progress& progress);
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
    Extent fullExtent() const;  // the areas and the incidents without their far-away strays
    MapView initialView(int width, int height) const;
    // The topmost visible layer with a feature at (x, y); area polygons also get the counts of the
    // current selection, the change from a year before and the interventions inside.
    std::optional<Identified> identify(double x, double y, double tolerance) const;
    // The near-repeat zone around the incident of the current selection nearest (x, y) within
    // `tolerance`, added as two layers (the zone, and the later incidents inside it); nullopt when
    // no selected incident is that close. The zone comes from the project's near_repeat.csv, or
    // from the Knox test of the current selection (month bands, computed once per selection).
    std::optional<NearRepeatView> showNearRepeatZone(double x, double y, double tolerance);

private:
    void insertAtSurfacePosition(std::shared_ptr<MapLayer> layer);
    bool selected(size_t incident) const;  // in the current surface's group and months
    struct Zone {
        double distance = -1;
        int months = -1;
        std::string source;
    };
    Zone nearRepeatZoneOfSelection();
    std::optional<Zone> m_selectionZone;  // the Knox test's zone for the current selection
    std::string m_selectionZoneKey;
    std::string m_cacheDir;
};

}  // namespace hotspot::viewer
