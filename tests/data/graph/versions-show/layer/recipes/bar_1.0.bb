# bar 1.0: wins, since the newer 1.5 lowers its preference.
