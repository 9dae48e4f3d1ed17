#pragma once
// Figures for the report as SVG text: a grouped bar chart in the scrutiny report's style and small
// maps of vector layers. Text only (no Qt, no GDAL types): the HTML report embeds them inline and
// the PDF tool rasterises them.

#include <string>
#include <vector>

#include "hotspot/grid.hpp"
#include "hotspot/vector_data.hpp"

namespace hotspot::svg {

// XML text escaping for element content and attribute values.
std::string escape(const std::string& text);

struct Series {
    std::string label;
    std::string colour;  // CSS colour, e.g. "#c62828"
};

// Horizontal grouped bars: one group per category (top to bottom), one bar per series, a value
// label at the end of every bar, an x axis with round ticks and grid lines, and a legend.
std::string groupedBarChart(const std::string& title, const std::vector<std::string>& categories, const std::vector<Series>& series,
                            const std::vector<std::vector<double>>& values, int width = 760);

// Round tick positions from 0 to at least `maximum`: steps of 1, 2 or 5 times a power of ten.
std::vector<double> niceTicks(double maximum, int wanted = 6);

struct MapStyle {
    std::string fill = "none", stroke = "#333333";
    double strokeWidth = 1, opacity = 1, pointRadius = 4;
    std::string dash;  // stroke-dasharray, empty for solid
};

struct MapLayer {
    const VectorData* data = nullptr;
    MapStyle style;
    // Optional per-feature fill from a field's value (e.g. gi_bin -> colour); empty: style.fill.
    std::string colourField;
    std::vector<std::pair<std::string, std::string>> colourByValue;
    std::string labelField;  // labels placed without overlapping (greedy, four positions), with a halo
    std::string legend;      // legend entry; empty: not in the legend
};

struct MapFigure {
    std::string id;  // unique within the document (names the SVG clip path)
    std::string title;
    Extent extent;  // what is shown (analysis CRS, metres); widened to the figure's aspect
    std::vector<MapLayer> layers;
    std::string attribution;  // the source line under the map
    int width = 640, height = 440;
};

// A map with a frame, scale bar, north arrow, legend and source line. Features outside the extent
// are left out of the SVG; everything else is clipped to the frame.
std::string map(const MapFigure& figure);

// The extent of the features of a layer, widened by `margin` of its larger side on each side.
Extent paddedExtent(const Extent& e, double margin);

}  // namespace hotspot::svg
