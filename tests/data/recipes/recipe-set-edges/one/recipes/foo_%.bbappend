WHO .= " appended"
