neither is this
