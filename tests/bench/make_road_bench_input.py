#!/usr/bin/env python3
"""Writes the `hotspot roads` benchmark input (not committed anywhere): a road grid and collisions.

  network.csv      a street grid as WKT LineStrings, one per edge (EPSG:27700, no CRS in the file:
                   --network-srs): N x N nodes 100 m apart, 2 N (N - 1) edges (N = 159: 50,244),
                   each with a kink vertex 40 m in (2 segments per edge)
  collisions.csv   STATS19 2024-schema rows: 70 % spread over the network, 30 % around 500 hotspots,
                   dates over 36 months, severities 1.5 % fatal / 18 % serious
  tables/          the same collisions with the circumstance columns the register profiles (light,
                   surface, day, junction, speed limit, road class and number, urban/rural), and
                   their casualties.csv and vehicles.csv with every column of DfT's 2024 schema
                   (1-3 casualties, 1-3 vehicles a collision): found beside tables/collisions.csv
Standard library only; deterministic (seeded).
  usage: make_road_bench_input.py OUT_DIR [COLLISIONS=100000] [N=159]
"""
import os, random, sys

def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 159
    x0, y0, step = 440000.0, 240000.0, 100.0
    rng = random.Random(7)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "network.csv"), "w") as f:
        # One feature per edge (a noded network, as PostGIS peers expect), with a kink vertex 40 m in.
        f.write("WKT,name,highway\n")
        for i in range(n):
            for k in range(n - 1):
                ax, ay = x0 + k * step, y0 + i * step
                f.write(f"\"LINESTRING ({ax:.1f} {ay:.1f}, {ax + 40:.1f} {ay + 3:.1f}, {ax + step:.1f} {ay:.1f})\",Street E{i},residential\n")
                bx, by = x0 + i * step, y0 + k * step
                f.write(f"\"LINESTRING ({bx:.1f} {by:.1f}, {bx + 3:.1f} {by + 40:.1f}, {bx:.1f} {by + step:.1f})\",Street N{i},residential\n")
    extent = (n - 1) * step
    hotspots = [(x0 + rng.randrange(n) * step + rng.random() * step, y0 + rng.randrange(n) * step) for _ in range(500)]
    tables = os.path.join(out, "tables")
    os.makedirs(tables, exist_ok=True)
    detail = random.Random(11)  # the tables' own draws: collisions.csv stays as it was
    casualty_header = ("collision_index,collision_year,collision_ref_no,vehicle_reference,casualty_reference,casualty_class,"
                       "sex_of_casualty,age_of_casualty,age_band_of_casualty,casualty_severity,pedestrian_location,pedestrian_movement,"
                       "car_passenger,bus_or_coach_passenger,pedestrian_road_maintenance_worker,casualty_type,casualty_imd_decile,"
                       "lsoa_of_casualty,enhanced_casualty_severity,casualty_injury_based,casualty_adjusted_severity_serious,"
                       "casualty_adjusted_severity_slight,casualty_distance_banding\n")
    vehicle_header = ("collision_index,collision_year,collision_ref_no,vehicle_reference,vehicle_type,towing_and_articulation,"
                      "vehicle_manoeuvre_historic,vehicle_manoeuvre,vehicle_direction_from,vehicle_direction_to,"
                      "vehicle_location_restricted_lane_historic,vehicle_location_restricted_lane,junction_location,skidding_and_overturning,"
                      "hit_object_in_carriageway,vehicle_leaving_carriageway,hit_object_off_carriageway,first_point_of_impact,"
                      "vehicle_left_hand_drive,journey_purpose_of_driver_historic,journey_purpose_of_driver,sex_of_driver,age_of_driver,"
                      "age_band_of_driver,engine_capacity_cc,propulsion_code,age_of_vehicle,generic_make_model,driver_imd_decile,"
                      "lsoa_of_driver,escooter_flag,driver_distance_banding\n")
    vehicle_types = [9] * 70 + [19] * 8 + [1] * 6 + [5] * 5 + [3] * 2 + [21] * 3 + [20] * 1 + [11] * 2 + [8] * 2 + [90]
    casualty_types_on_foot = 0.15
    with open(os.path.join(out, "collisions.csv"), "w") as f, open(os.path.join(tables, "collisions.csv"), "w") as ft, \
            open(os.path.join(tables, "casualties.csv"), "w") as fc, open(os.path.join(tables, "vehicles.csv"), "w") as fv:
        f.write("collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time\n")
        ft.write("collision_index,location_easting_osgr,location_northing_osgr,longitude,latitude,collision_severity,date,time,"
                 "day_of_week,first_road_class,first_road_number,speed_limit,junction_detail,light_conditions,road_surface_conditions,"
                 "urban_or_rural_area\n")
        fc.write(casualty_header)
        fv.write(vehicle_header)
        for c in range(total):
            if rng.random() < 0.7:
                if rng.random() < 0.5:
                    x, y = x0 + rng.random() * extent, y0 + rng.randrange(n) * step
                else:
                    x, y = x0 + rng.randrange(n) * step, y0 + rng.random() * extent
            else:
                hx, hy = hotspots[rng.randrange(len(hotspots))]
                x, y = hx + rng.gauss(0, 15), hy
            x += rng.gauss(0, 4)
            y += rng.gauss(0, 4)
            u = rng.random()
            sev = 1 if u < 0.015 else 2 if u < 0.195 else 3
            year = 2019 + rng.randrange(3)
            row = (f"{year}99{c:07d},{x:.0f},{y:.0f},,,{sev},{1 + rng.randrange(28):02d}/{1 + rng.randrange(12):02d}/{year},"
                   f"{rng.randrange(24):02d}:{rng.randrange(60):02d}")
            f.write(row + "\n")
            index = f"{year}99{c:07d}"
            road_class = detail.choice([3, 4, 5, 6, 6, 6])
            ft.write(row + f",{1 + detail.randrange(7)},{road_class},{0 if road_class == 6 else detail.randrange(1, 6000)},"
                     f"{detail.choice([20, 30, 30, 30, 40, 60])},{detail.choice([0, 0, 3, 6, 1, 9, -1])},{detail.choice([1, 1, 1, 4, 6])},"
                     f"{detail.choice([1, 1, 2])},{detail.choice([1, 1, 1, 2])}\n")
            vehicles = 1 + detail.randrange(3)
            types = [detail.choice(vehicle_types) for _ in range(vehicles)]
            for v, t in enumerate(types, 1):
                fv.write(f"{index},{year},99{c:07d},{v},{t},0,-1,18,1,5,-1,0,0,0,0,0,0,1,1,-1,6,1,{detail.randrange(17, 90)},7,1598,1,"
                         f"{detail.randrange(1, 20)},FORD FIESTA,{detail.randrange(1, 11)},E01011949,0,1\n")
            for k in range(1 + detail.randrange(3)):
                casualty_sev = sev if k == 0 or detail.random() < 0.3 else 3
                on_foot = detail.random() < casualty_types_on_foot
                vehicle = 1 + detail.randrange(vehicles)
                ctype = 0 if on_foot else types[vehicle - 1]
                age = detail.randrange(0, 90)
                serious = 1.0 if casualty_sev == 2 else 0.0 if casualty_sev == 1 else round(0.03 + 0.15 * detail.random(), 3)
                fc.write(f"{index},{year},99{c:07d},{vehicle},{k + 1},{3 if on_foot else 1},{1 + detail.randrange(2)},{age},"
                         f"{min(11, 1 + age // 5)},{casualty_sev},0,0,0,0,0,{ctype},{detail.randrange(1, 11)},E01011949,3,1,"
                         f"{serious:.3f},{1 - serious if casualty_sev == 3 else 0.0:.3f},1\n")

main()
