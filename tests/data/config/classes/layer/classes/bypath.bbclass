ORDER .= " bypath"
