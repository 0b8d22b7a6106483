"""Pictures: polygons over images, confidence distributions, calibration, tables, the Viewer."""
