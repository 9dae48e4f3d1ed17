#pragma once
// The mapping between the analysis CRS (metres, y up) and the screen (pixels, y down).

#include <QPointF>
#include <QRectF>

#include "hotspot/grid.hpp"

namespace hotspot::viewer {

struct MapView {
    double centreX = 0, centreY = 0;  // world point at the centre of the screen
    double metresPerPixel = 10;
    int width = 800, height = 600;

    QPointF toScreen(double x, double y) const {
        return {width / 2.0 + (x - centreX) / metresPerPixel, height / 2.0 - (y - centreY) / metresPerPixel};
    }
    void toWorld(QPointF p, double& x, double& y) const {
        x = centreX + (p.x() - width / 2.0) * metresPerPixel;
        y = centreY - (p.y() - height / 2.0) * metresPerPixel;
    }
    Extent visible() const;
    QRectF screenRect(const Extent& e) const;
    // Fits an extent with a margin (a fraction of the screen).
    void zoomTo(const Extent& e, double margin = 0.05);
    // Zooms by `factor` (> 1 zooms in) keeping the world point under `anchor` fixed.
    void zoomAt(QPointF anchor, double factor);
    void panPixels(double dx, double dy) { centreX -= dx * metresPerPixel, centreY += dy * metresPerPixel; }
};

}  // namespace hotspot::viewer
