ORDER .= " deferred"
