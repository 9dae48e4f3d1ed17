# Oracles for the Moran's I tests (tests/unit/density/moran_test.cpp): R spdep's localmoran() and
# moran.test() on small fixed inputs. Regenerate with (Debian r-cran-spdep):
#   cd tests/oracles && Rscript make_moran_oracles.R
# Grids are row-major: cell (r, c) of an R x C grid is row r * C + c of the file (r, c from 0).
suppressMessages(library(spdep))
options(digits = 17)
write <- function(df, file) write.csv(df, file, row.names = FALSE)
lm_cols <- function(lm) data.frame(Ii = lm[, 1], E_Ii = lm[, 2], Var_Ii = lm[, 3], Z_Ii = lm[, 4])

# A 30 x 40 grid of Poisson(2) counts with a hot block (rows 5-9, columns 10-15, Poisson(8)) and a
# cold corner (rows 20-29, columns 30-39, zeros): clusters and outliers to find.
set.seed(11)
R <- 30; C <- 40
x <- rpois(R * C, 2)
for (r in 5:9) for (c in 10:15) x[r * C + c + 1] <- rpois(1, 8)
for (r in 20:29) for (c in 30:39) x[r * C + c + 1] <- 0
queen <- cell2nb(R, C, type = "queen")
rook <- cell2nb(R, C, type = "rook")
# cell2nb(R, C) numbers the cells row by row (region ids "col:row"): cell (r, c) is r * C + c + 1,
# the order of x already.
xs <- x
qW <- localmoran(xs, nb2listw(queen, style = "W"))
rB <- localmoran(xs, nb2listw(rook, style = "B"))
qWtotal <- localmoran(xs, nb2listw(queen, style = "W"), conditional = FALSE)
write(cbind(data.frame(x = x), lm_cols(qW)), "local_moran_grid_queen_W.csv")
write(cbind(data.frame(x = x), lm_cols(rB)), "local_moran_grid_rook_B.csv")
write(cbind(data.frame(x = x), lm_cols(qWtotal)), "local_moran_grid_queen_W_total.csv")

# 300 random points with a smooth trend plus noise: k = 5 nearest (row-standardised) and a
# 12-unit distance band (binary).
set.seed(23)
n <- 300
px <- runif(n, 0, 100); py <- runif(n, 0, 100)
v <- px / 10 + rnorm(n)
coords <- cbind(px, py)
knn <- knn2nb(knearneigh(coords, k = 5))
band <- dnearneigh(coords, 0, 12)
kW <- localmoran(v, nb2listw(knn, style = "W"))
dB <- localmoran(v, nb2listw(band, style = "B", zero.policy = TRUE), zero.policy = TRUE)
write(cbind(data.frame(x = px, y = py, value = v), lm_cols(kW)), "local_moran_points_knn5_W.csv")
write(cbind(data.frame(x = px, y = py, value = v), lm_cols(dB)), "local_moran_points_band12_B.csv")

# Global Moran's I under randomisation for the same inputs.
g <- function(name, x, lw, zp = FALSE) {
  t <- moran.test(x, lw, randomisation = TRUE, zero.policy = zp)
  data.frame(case = name, I = t$estimate[[1]], E = t$estimate[[2]], Var = t$estimate[[3]], Z = t$statistic[[1]])
}
write(rbind(g("grid_queen_W", xs, nb2listw(queen, style = "W")), g("grid_rook_B", xs, nb2listw(rook, style = "B")),
            g("points_knn5_W", v, nb2listw(knn, style = "W")),
            g("points_band12_B", v, nb2listw(band, style = "B", zero.policy = TRUE), TRUE)),
      "global_moran.csv")
