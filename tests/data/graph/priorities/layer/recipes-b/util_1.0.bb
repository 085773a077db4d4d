# util 1.0, in collection b; PREFERRED_VERSION_util beats its priority.
