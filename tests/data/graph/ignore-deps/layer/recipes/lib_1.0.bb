DEPENDS = "hostperl"
