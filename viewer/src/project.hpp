#pragma once
// A viewer project (JSON): the incidents, the analysis to show, and the layers to draw, bottom to
// top; paths are relative to the project file. See docs/viewer.md for the format.

#include <string>
#include <vector>

#include "hotspot/grid.hpp"

namespace hotspot::viewer {

struct LayerEntry {
    std::string path, layer, role = "generic", name, label;
    std::string cache;        // basemap from a URL: the folder its tiles are kept in
    std::string attribution;  // this layer's source line (a basemap's publisher), put after the project's
    bool visible = true;
    double opacity = 1.0;
};

struct RoadsEntry {  // road problem localities computed by the engine when the project opens
    std::string network;
    std::vector<std::string> collisions, complaints;
    std::string complaintColumns;
};

struct ProjectFile {
    std::string path;  // the project file itself
    std::string title = "hotspot";
    std::string crs = "EPSG:27700";
    std::vector<std::string> incidents;
    std::string incidentColumns;
    std::string group = "burglary", from, to, method = "kde";
    double cell = 50, bandwidth = 300;
    std::vector<LayerEntry> layers;
    RoadsEntry roads;
    // A near_repeat.csv written by `hotspot near-repeat`: the zone the viewer draws around a chosen
    // incident. Without it, the viewer runs the Knox test on the current selection itself.
    std::string nearRepeat;
    // The project's own source line ("attribution" key); the maps add each recognised publisher's
    // credit for the files drawn (hotspot/attribution.hpp).
    std::string attribution;
    // The map's extent: "extent" [minx, miny, maxx, maxy] in the analysis CRS, or "fit": a layer's
    // name. Empty: the priority areas, else everything but stray incidents.
    Extent extent{0, 0, -1, -1};
    std::string fit;
    // The source line of this project's maps: its own line, then the publishers of its files.
    std::string mapAttribution() const;
    // Throws Error(Input) naming the file and the key.
    static ProjectFile load(const std::string& path);
    // A project of loose files (results GeoPackages, any OGR/GDAL layer) given on the command line.
    static ProjectFile fromFiles(const std::vector<std::string>& files);
};

}  // namespace hotspot::viewer
