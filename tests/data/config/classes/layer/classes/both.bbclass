ORDER .= " both-plain"
BOTH = "from classes"
