# Nothing depends on this recipe, so it stays out of the graph.
DEPENDS = "lib"
