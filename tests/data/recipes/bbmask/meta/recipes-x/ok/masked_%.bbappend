V .= " masked"
