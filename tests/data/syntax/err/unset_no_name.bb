unset
