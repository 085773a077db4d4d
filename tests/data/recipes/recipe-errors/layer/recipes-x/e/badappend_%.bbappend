inherit nothere
