#pragma once
// The map widget: pan (drag, arrow keys), zoom (wheel, +/-), Home for the full extent. The layers
// are rendered into a cached image; while dragging the cache is moved, and redrawn on release.

#include <QImage>
#include <QWidget>

#include "map_view.hpp"
#include "renderer.hpp"

namespace hotspot::viewer {

class Session;

class MapCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MapCanvas(QWidget* parent = nullptr);
    void setSession(Session* session);
    MapView& view() { return m_view; }
    void zoomToFull();
    void refresh();  // the layers changed: render again

signals:
    void cursorMoved(double x, double y);
    void clicked(double x, double y, double tolerance);

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void keyPressEvent(QKeyEvent*) override;

private:
    Session* m_session = nullptr;
    MapView m_view;
    QImage m_cache;
    bool m_cacheValid = false;
    bool m_dragging = false;
    QPoint m_pressAt, m_dragOffset;
};

}  // namespace hotspot::viewer
