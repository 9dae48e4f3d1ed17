#!/usr/bin/env bash
# Regenerates the README's pictures of real data: the first page of `hotspot report` on two years
# of City of London police.uk street files (its 25 wards as the priority areas, Gi* hot spots of
# theft), and the viewer's map of Northampton burglary from Northamptonshire police.uk files with
# the town's wards. Needs a build (bash .ci/build), chromium and the reference data folder.
#   bash docs/images/regenerate.sh [REFERENCE_FOLDER]   (default ../shared/reference)
set -euo pipefail
cd "$(dirname "$0")/../.."
ref=$(realpath "${1:-../shared/reference}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hotspot=build/engine/hotspot

city=$ref/police-uk-city-of-london-2023-05_2025-05
city_wards=$ref/uk-geojson-martinjc/wards_by_lad/E09000001.json
$hotspot -q gistar "$city" --group theft --months 2024-06:2025-05 --cell 100 --out "$work/gistar"
$hotspot -q report "$city" --years 2 --to 2025-05 --priority-areas "ward=$city_wards" \
  --hotspots "$work/gistar/hotspots.gpkg" --title "City of London: recorded crime" --out "$work/report"
chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/chromium" --hide-scrollbars \
  --force-device-scale-factor=0.75 --window-size=1000,1500 --screenshot=docs/images/report_first_page.png \
  "file://$work/report/performance_report.html" 2>/dev/null

cat > "$work/northampton.json" <<JSON
{
  "title": "Northampton: burglary kernel density, October 2018 to February 2019",
  "incidents": ["$ref/police-uk-northamptonshire-2018-10_2019-02"],
  "analysis": {"group": "burglary", "method": "kde", "cell": 50, "bandwidth": 300},
  "layers": [{"path": "$ref/uk-geojson-martinjc/wards_by_lad/E07000154.json", "role": "priority", "name": "Northampton wards (2013)", "label": "WD13NM"}]
}
JSON
build/viewer/hotspot-viewer --project "$work/northampton.json" --screenshot docs/images/viewer_real_northampton.png --size 1200x850
ls -l docs/images/report_first_page.png docs/images/viewer_real_northampton.png
