#pragma once
// Drawing a map: the layers in order, and the furniture (scale bar, north arrow, legend, title,
// attribution) for the screen and for exported PNG/PDF maps.

#include <memory>
#include <vector>

#include <QImage>
#include <QString>

#include "map_layers.hpp"

namespace hotspot::viewer {

using LayerList = std::vector<std::shared_ptr<MapLayer>>;

// The layers bottom to top, then every label they ask for (placeLabels).
void renderLayers(QPainter& p, const MapView& view, const LayerList& layers);
// Places labels in order without overlap (each tries a few positions and is left out when all
// collide or leave the frame), drawn with a white halo. Returns the boxes placed.
std::vector<QRectF> placeLabels(QPainter& p, const std::vector<LabelRequest>& requests, const QRectF& frame);
// A scale bar of a round length (1, 2 or 5 x 10^n metres) about a fifth of the width.
void drawScaleBar(QPainter& p, const MapView& view, QPointF bottomLeft);
void drawNorthArrow(QPainter& p, QPointF top, double size = 28);
// The legend of the visible layers, top to bottom as drawn from the top; returns the height used.
double drawLegend(QPainter& p, const LayerList& layers, QRectF area);

struct ExportOptions {
    QString title, attribution = "Map: hotspot-viewer.";  // the project's: ProjectFile::mapAttribution()
    QString subtitle;                                     // period, group and method; empty: none
    int width = 1600, height = 1100;                      // pixels (PNG) or points at `dpi` (PDF)
    int dpi = 150;
    // An inset in the map's lower right corner showing this extent (the whole study) with the
    // main map's frame in red; empty: no inset. Only the area, priority and road layers are drawn.
    Extent overview{0, 0, -1, -1};
};
// A print layout: "a4-landscape", "a4-portrait", "a3-landscape", "a3-portrait". Sets width and
// height for the paper at options.dpi. Returns false for an unknown name.
bool applyPaper(const QString& paper, ExportOptions& options);
// The map with title, subtitle, legend, scale bar, north arrow, source line and inset, as an image.
QImage renderMapImage(const LayerList& layers, MapView view, const ExportOptions& options);
// PNG, PDF (vector, the page the size asked for) or SVG by the file's extension, written to a
// temporary name and renamed. Returns false (and sets `error`) when it cannot be written.
bool exportMap(const QString& path, const LayerList& layers, const MapView& view, const ExportOptions& options, QString& error);

}  // namespace hotspot::viewer
