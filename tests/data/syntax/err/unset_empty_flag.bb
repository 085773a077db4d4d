unset A[]
