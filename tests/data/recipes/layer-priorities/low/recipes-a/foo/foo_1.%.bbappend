TRAIL .= " low"
