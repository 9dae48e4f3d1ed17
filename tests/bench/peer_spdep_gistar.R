# Whole-process peer of `hotspot gistar` on a grid (tests/bench/peers.sh): read the points CSV,
# count them into the same square cells, Gi* with queen neighbours and the cell itself (binary
# weights) by spdep::localG, write every cell's count and z as CSV.
#   Rscript tests/bench/peer_spdep_gistar.R POINTS.csv OUT_DIR [CELL=50]
args <- commandArgs(trailingOnly = TRUE)
cell <- if (length(args) > 2) as.numeric(args[3]) else 50
suppressMessages(library(spdep))
p <- read.csv(args[1], colClasses = c("numeric", "numeric"))
x0 <- floor(min(p$x) / cell) * cell; y0 <- floor(min(p$y) / cell) * cell
cols <- ceiling((max(p$x) - x0) / cell); rows <- ceiling((max(p$y) - y0) / cell)
col <- pmin(floor((p$x - x0) / cell), cols - 1); row <- pmin(floor((y0 + rows * cell - p$y) / cell), rows - 1)
counts <- tabulate(row * cols + col + 1, nbins = rows * cols)  # row-major from the north, as cell2nb
nb <- include.self(cell2nb(rows, cols, type = "queen"))
z <- as.numeric(localG(counts, nb2listw(nb, style = "B")))
dir.create(args[2], showWarnings = FALSE, recursive = TRUE)
write.csv(data.frame(cell = seq_along(counts) - 1, incidents = counts, gi_z = z), file.path(args[2], "gistar.csv"), row.names = FALSE)
