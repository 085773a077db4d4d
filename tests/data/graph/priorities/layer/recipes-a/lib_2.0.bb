# lib 2.0, in the lower-priority collection a.
