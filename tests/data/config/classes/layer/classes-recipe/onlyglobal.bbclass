ORDER .= " recipe-class"
