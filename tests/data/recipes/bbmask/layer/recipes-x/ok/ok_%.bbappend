V .= " kept"
