// Potentials module: see DEVELOPERS.md for its place in the layering.
