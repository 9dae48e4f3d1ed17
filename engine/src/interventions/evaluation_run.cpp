// `hotspot evaluate-interventions`: before/after in treated, buffer and control areas; WDQ.

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "hotspot/area_layer.hpp"
#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"
#include "hotspot/export.hpp"
#include "hotspot/interventions_run.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/road_network.hpp"
#include "hotspot/version.hpp"
#include "interventions/run_support.hpp"
#include "io/output_files.hpp"
#include "io/wkb.hpp"

namespace hotspot {

using namespace intervention_support;

namespace {

// One intervention's evaluation: its treated area and buffer ring, the periods either side of its
// start month, and the incidents in the treated area, the buffer and the control in each.
struct InterventionResult {
    DisplacementCounts counts;
    int periodMonths = 0;  // 0: not evaluated (no data on one side of the start month)
    int32_t beforeFrom = kNoMonth, beforeTo = kNoMonth, afterFrom = kNoMonth, afterTo = kNoMonth;
    std::string controlName, note;
    double treatedArea = 0;
    std::vector<unsigned char> treatedWkb, ringWkb;
};

InterventionResult evaluateIntervention(const Project& pr, const SelectedIncidents& sel, const MonthRange& data, const AreaLayer* control,
                                        const InterventionEvaluationOptions& o, GeosKit& geos) {
    InterventionResult r;
    const int32_t first = data.from, last = data.to;
    const GEOSGeometry* g = geos.read(pr.wkb);
    const GEOSGeometry* treated = geos.isPolygonal(g) ? g : geos.buffer(g, o.treatedRadius);
    const GEOSGeometry* outer = geos.buffer(treated, o.bufferWidth);
    const GEOSGeometry* ring = geos.difference(outer, treated);
    r.treatedArea = geos.area(treated);
    r.treatedWkb = geos.wkb(treated);
    r.ringWkb = geos.wkb(ring);
    // Equal periods either side of the start month, which is left out (partly before, partly after).
    const int available = std::min(pr.startMonth - first, last - pr.startMonth);
    r.periodMonths = std::min(o.periodMonths, std::max(0, available));
    if (r.periodMonths < 1) {
        r.note = "no data on one side of the start month: not evaluated";
        return r;
    }
    if (r.periodMonths < o.periodMonths) r.note = fmt::format("periods shortened to {} months by the data", r.periodMonths);
    r.beforeFrom = pr.startMonth - r.periodMonths, r.beforeTo = pr.startMonth - 1;
    r.afterFrom = pr.startMonth + 1, r.afterTo = pr.startMonth + r.periodMonths;
    const GEOSPreparedGeometry* inTreated = geos.prepare(treated);
    const GEOSPreparedGeometry* inOuter = geos.prepare(outer);
    int32_t controlPolygon = -1;
    if (control) {
        const auto [px, py] = geos.pointOnSurface(treated);
        controlPolygon = control->assignPoint(px, py);
        r.controlName = controlPolygon >= 0 ? control->name(static_cast<size_t>(controlPolygon)) : "(none)";
        if (controlPolygon < 0) r.note += std::string(r.note.empty() ? "" : "; ") + "the intervention is outside every control polygon";
    } else {
        r.controlName = "all incidents outside the buffer";
    }
    Extent outerBox;
    geos.bounds(outer, outerBox);
    for (size_t i = 0; i < sel.x.size(); ++i) {
        const int32_t m = sel.month[i];
        const bool before = m >= r.beforeFrom && m <= r.beforeTo, after = m >= r.afterFrom && m <= r.afterTo;
        if (!before && !after) continue;
        const double w = sel.weight[i];
        double *rCount = before ? &r.counts.rBefore : &r.counts.rAfter, *bCount = before ? &r.counts.bBefore : &r.counts.bAfter,
               *cCount = before ? &r.counts.cBefore : &r.counts.cAfter;
        const bool nearBox = outerBox.contains(sel.x[i], sel.y[i]);
        if (nearBox && geos.covers(inTreated, sel.x[i], sel.y[i])) *rCount += w;
        else if (nearBox && geos.covers(inOuter, sel.x[i], sel.y[i])) *bCount += w;
        else if (!control || (controlPolygon >= 0 && control->assignPoint(sel.x[i], sel.y[i]) == controlPolygon)) *cCount += w;
    }
    return r;
}

// How to read a WDQ (Bowers & Johnson 2003), only where the treated area fell relative to the control.
std::string interpretWdq(const DisplacementCounts& c, double wdq) {
    if (c.cBefore <= 0 || c.cAfter <= 0) return "control has no incidents in a period: not defined";
    const double success = c.rAfter / c.cAfter - c.rBefore / c.cBefore;
    if (success >= 0) return "no reduction in the treated area relative to the control: WDQ not interpreted";
    if (!std::isfinite(wdq)) return "not defined";
    if (wdq > 1) return "diffusion of benefits greater than the direct effect";
    if (wdq > 0) return "diffusion of benefits into the buffer";
    if (wdq == 0) return "no displacement or diffusion";
    if (wdq >= -1) return "some displacement into the buffer, smaller than the direct effect";
    return "displacement greater than the direct effect: the scheme backfired";
}

const std::vector<std::string>& evaluationHeader() {
    static const std::vector<std::string> header = {"id", "name", "category", "round", "budget_gbp", "start", "period_months", "before", "after",
                                                    "treated_before", "treated_after", "buffer_before", "buffer_after", "control", "control_before",
                                                    "control_after", "expected_after", "prevented", "prevented_per_1000_gbp", "wdq", "interpretation", "note"};
    return header;
}

// One intervention's row as text, in evaluationHeader() order: the CSV, the Markdown and the
// GeoPackage layers show the same values.
std::vector<std::string> evaluationRow(const Project& pr, const InterventionResult& r) {
    const DisplacementCounts& c = r.counts;
    const bool evaluated = r.periodMonths >= 1;
    const double wdq = evaluated ? weightedDisplacementQuotient(c) : NAN;
    const double prevented = evaluated ? incidentsPrevented(c) : NAN;
    const double expected = evaluated && c.cBefore > 0 ? c.rBefore * c.cAfter / c.cBefore : NAN;
    const double per1000 = std::isfinite(pr.budget) && pr.budget > 0 ? prevented / (pr.budget / 1000) : NAN;
    auto count = [&](double v) { return evaluated ? formatValue(v, 0) : std::string(); };
    return std::vector<std::string>{pr.id, pr.name, pr.category, pr.round, formatValue(pr.budget, 0),
                                    formatMonth(pr.startMonth), std::to_string(r.periodMonths),
                                    evaluated ? formatMonth(r.beforeFrom) + ":" + formatMonth(r.beforeTo) : "",
                                    evaluated ? formatMonth(r.afterFrom) + ":" + formatMonth(r.afterTo) : "", count(c.rBefore), count(c.rAfter),
                                    count(c.bBefore), count(c.bAfter), r.controlName, count(c.cBefore), count(c.cAfter), formatValue(expected, 1),
                                    formatValue(prevented, 1), formatValue(per1000, 3), formatValue(wdq, 3),
                                    evaluated ? interpretWdq(c, wdq) : "", r.note};
}

std::string evaluationMarkdown(const InterventionEvaluationOptions& o, const SelectedIncidents& sel, bool withControl, const std::vector<std::vector<std::string>>& rows) {
    std::string md = "# Intervention evaluation\n\n";
    md += fmt::format(
        "Incidents: {}. Treated area: the intervention's polygon, or {} m around a point or line; buffer ring: the next {} m; "
        "control: {}. Periods: up to {} months before the start month and as many after it (the start month itself is "
        "left out), shortened to what the data holds.\n\n",
        sel.describe(), o.treatedRadius, o.bufferWidth,
        withControl ? "the polygon of the control layer holding the intervention, minus the treated area and buffer"
                    : "all incidents outside the treated area and buffer",
        o.periodMonths);
    md +=
        "- Expected after = treated before x control after / control before (the treated area following the control's trend); "
        "prevented = expected - treated after; per GBP 1,000 of budget.\n";
    md +=
        "- Weighted Displacement Quotient (Bowers & Johnson 2003): WDQ = (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb), R treated, B buffer, C "
        "control, b before, a after. Interpreted only when the treated area fell relative to the control (denominator < 0): "
        "WDQ > 0 diffusion of benefits, < 0 displacement, < -1 displacement greater than the direct effect.\n\n";
    md +=
        "**Limits.** Before/after counts in small areas are noisy: a few incidents change the figures a lot. Places are chosen "
        "for schemes because they had a bad period, so some fall is expected anyway (regression to the mean). Periods are short, "
        "schemes overlap in place and time, the control may differ from the treated area, and the WDQ says nothing about "
        "significance. Read these as indications for the partnership, not as proof.\n\n";
    md +=
        "| Intervention | Round | Budget GBP | Start | Months | Treated b -> a | Buffer b -> a | Control b -> a | Prevented | Per GBP 1k | WDQ | Reading |\n"
        "|---|---|---:|---|---:|---|---|---|---:|---:|---:|---|\n";
    for (const auto& r : rows) {
        md += fmt::format("| {} | {} | {} | {} | {} | {} -> {} | {} -> {} | {} -> {} | {} | {} | {} | {}{} |\n", r[1], r[3], r[4], r[5], r[6], r[9],
                          r[10], r[11], r[12], r[14], r[15], r[17], r[18], r[19], r[20], r[21].empty() ? "" : " (" + r[21] + ")");
    }
    return md;
}

void writeInterventionGeoPackage(const std::string& path, const InterventionEvaluationOptions& o, const std::vector<InterventionResult>& results,
                                 const std::vector<std::vector<std::string>>& rows) {
    const std::string& crs = o.input.ingest.analysisCrs;
    VectorWriter gpkg(path);
    std::vector<FieldSpec> fields;
    for (const auto& h : evaluationHeader()) fields.push_back({h, FieldType::String});
    for (const char* layer : {"treated_areas", "buffer_rings"}) {
        gpkg.createLayer(layer, GeometryKind::Polygon, crs, fields,
                         std::string(layer) == "treated_areas" ? "Treated area of each intervention, with its evaluation" : "Buffer ring (displacement) of each intervention");
        for (size_t p = 0; p < results.size(); ++p) {
            gpkg.setFromText(rows[p], fields);
            gpkg.setWkb(std::string(layer) == "treated_areas" ? results[p].treatedWkb : results[p].ringWkb);
            gpkg.writeFeature();
        }
    }
    writeRunInfo(gpkg, {{"HOTSPOT_VERSION", versionString()},
                        {"COMMAND", "evaluate-interventions"},
                        {"INTERVENTIONS", o.projects},
                        {"TREATED_RADIUS_M", fmt::format("{}", o.treatedRadius)},
                        {"BUFFER_M", fmt::format("{}", o.bufferWidth)},
                        {"PERIOD_MONTHS", std::to_string(o.periodMonths)},
                        {"CRS", crs}});
    gpkg.close();
}

}  // namespace

// Each intervention against its buffer ring and a control, before and after its start month.
RunReport runInterventionEvaluation(const InterventionEvaluationOptions& o, Progress& progress) {
    o.validate(OptionNaming::keys());  // the CLI and the viewer have checked already, with their own names
    if (o.projects.empty()) throwUsage("give the interventions layer (`interventions`)");
    if (!(o.treatedRadius > 0) || !(o.bufferWidth > 0)) throwUsage("`treated_radius` and `buffer` must be positive");
    if (o.periodMonths < 1) throwUsage("the periods must be at least 1 month long", {"", 0, "period_months"});
    RunReport report;
    auto& lines = report.lines;
    const std::string& crs = o.input.ingest.analysisCrs;
    LayerRejects rejects;
    const std::vector<Project> projects = readProjects(InterventionSource::parse(o.projects), crs, rejects);
    lines.push_back(fmt::format("interventions: {} read from {}, {} rejected{}", projects.size(), o.projects, rejects.rows.size(),
                                describeRejects(rejects, o.projects)));
    AnalysisInput input = o.input;
    input.months = {};  // the periods are chosen per intervention
    const SelectedIncidents sel = loadIncidents(input, progress);
    lines.push_back("incidents: " + sel.describe());
    std::unique_ptr<AreaLayer> control;
    if (!o.control.empty()) control = std::make_unique<AreaLayer>(AreaLayer::load(AreaLayer::asOneLayer(o.control, "control"), crs));

    const MonthRange data = monthSpan(sel.month);
    GeosKit geos;
    std::vector<InterventionResult> results;
    std::vector<std::vector<std::string>> rows;
    for (const Project& pr : projects) {
        results.push_back(evaluateIntervention(pr, sel, data, control.get(), o, geos));
        rows.push_back(evaluationRow(pr, results.back()));
    }

    OutputStaging staging(o.outDir);
    CsvWriter csv(staging.stagedPath("intervention_evaluation.csv"));
    csv.row(evaluationHeader());
    for (const auto& row : rows) csv.row(row);
    csv.close();
    writeLayerRejects(staging, "intervention_rejects.csv", {{o.projects, &rejects}});
    writeTextFile(staging.stagedPath("intervention_evaluation.md"), evaluationMarkdown(o, sel, control != nullptr, rows));
    const std::string gpkgPath = staging.stagedPath("interventions.gpkg");
    writeInterventionGeoPackage(gpkgPath, o, results, rows);
    writeGeoPackageStyles(gpkgPath);  // QGIS opens each layer styled
    report.outputs = staging.commit();
    return report;
}

}  // namespace hotspot
