TRAIL .= " top"
