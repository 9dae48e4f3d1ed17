#pragma once
// The viewer window: the map, and docks for layers (visibility, order, opacity), the legend,
// analysis (group, period, method), site recommendation and identify results.

#include <atomic>
#include <memory>
#include <string>

#include <QFutureWatcher>
#include <QMainWindow>

#include "session.hpp"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSlider;
class QSpinBox;
class QTableWidget;
class QTreeWidget;
class QProgressBar;
class QPushButton;

namespace hotspot::viewer {

class MapCanvas;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(std::unique_ptr<Session> session);
    ~MainWindow() override;

    // Opens a project off the UI thread: a progress bar in the status bar follows the engine's
    // progress (reading incidents, road localities) and Cancel stops it; the current project
    // stays on the map until the new one is complete, and stays for good if it is cancelled or fails.
    void openProject(const ProjectFile& project);
    bool opening() const { return m_openWatcher.isRunning(); }
    const Session& session() const { return *m_session; }

private:
    void buildDocks();
    void fillLayerTree();
    void fillAnalysisControls();
    AnalysisRequest requestFromControls() const;
    void recompute();
    void recommendSites();
    void showIdentify(double x, double y, double tolerance);
    void exportMapDialog();
    void openProjectDialog();
    void addLayerDialog();
    void setSession(std::unique_ptr<Session> session);
    void updateLegend();

    std::unique_ptr<Session> m_session;
    MapCanvas* m_canvas = nullptr;
    QTreeWidget* m_layers = nullptr;
    QSlider* m_opacity = nullptr;
    QLabel* m_legend = nullptr;
    QComboBox *m_group = nullptr, *m_method = nullptr;
    QSlider *m_from = nullptr, *m_to = nullptr;
    QLabel* m_period = nullptr;
    QDoubleSpinBox *m_bandwidth = nullptr, *m_cell = nullptr, *m_radius = nullptr;
    QSpinBox* m_sites = nullptr;
    QCheckBox* m_nearRepeat = nullptr;
    QTableWidget* m_identify = nullptr;
    QLabel *m_coordinates = nullptr, *m_timing = nullptr;
    QProgressBar* m_busy = nullptr;
    QFutureWatcher<Surface> m_watcher;
    // Opening a project: the worker's result (the session is handed over as a raw pointer because
    // QFuture results are copied; the finished handler owns it at once).
    struct OpenResult {
        Session* session = nullptr;
        std::string error;
        bool cancelled = false;
    };
    void showOpenProgress(const QString& stage, int percent);
    void finishOpening();
    QFutureWatcher<OpenResult> m_openWatcher;
    std::shared_ptr<std::atomic<bool>> m_cancelOpen;
    QProgressBar* m_openProgress = nullptr;
    QPushButton* m_cancelOpenButton = nullptr;
    bool m_openPending = false;  // a result not yet taken by finishOpening
    int m_generation = 0, m_pendingGeneration = 0;
    bool m_updatingControls = false;
};

}  // namespace hotspot::viewer
