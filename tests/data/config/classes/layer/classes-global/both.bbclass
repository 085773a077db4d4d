ORDER .= " both-global"
BOTH = "from classes-global"
